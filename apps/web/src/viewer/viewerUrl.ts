/**
 * The viewer's address: `/documents/:id?page=N`, plus the cited span when it shows one
 * (`&start=S&end=E`, characters of page N's raw text). Links saved before spans carry `&chunk=…`
 * instead; those still open their page, and highlight from the in-app citation when there is one.
 * Everything the highlight needs is in the address, so a new tab, a reload or a shared link shows it.
 */

/** Characters `[start, end)` of `page`'s raw text. */
export interface CitedSpan {
  page: number;
  start: number;
  end: number;
}

export interface ViewerTarget {
  /** The 1-based physical page to show. */
  page: number;
  /** The span to highlight on `page`, when the address carries a valid one. */
  span: CitedSpan | null;
  /** The cited chunk of a link saved before spans. */
  chunkId: string | null;
}

const DIGITS = /^\d{1,9}$/;

function count(value: string | null): number | null {
  return value !== null && DIGITS.test(value) ? Number(value) : null;
}

export function parseViewerTarget(params: URLSearchParams): ViewerTarget {
  const page = Math.max(1, count(params.get('page')) ?? 1);
  const start = count(params.get('start'));
  const end = count(params.get('end'));
  const span = start !== null && end !== null && end > start ? { page, start, end } : null;
  const chunkId = params.get('chunk') || null;
  return { page, span, chunkId };
}

/**
 * The address params for showing `page`: the cited span stays in the address only on its own page,
 * so the address always describes what is on screen.
 */
export function paramsForPage(
  current: URLSearchParams,
  page: number,
  cited: CitedSpan | null,
): URLSearchParams {
  const next = new URLSearchParams(current);
  next.set('page', String(page));
  if (cited && cited.page === page) {
    next.set('start', String(cited.start));
    next.set('end', String(cited.end));
  } else {
    next.delete('start');
    next.delete('end');
  }
  return next;
}

/** The viewer path of a span of a document. */
export function spanHref(documentId: string, span: CitedSpan): string {
  return `/documents/${encodeURIComponent(documentId)}?page=${span.page}&start=${span.start}&end=${span.end}`;
}
