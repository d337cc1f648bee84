import type { Citation } from '@classchat/contracts';
import { Link } from 'react-router-dom';
import { spanHref, type CitedSpan } from '../viewer/viewerUrl.js';

/** Where a citation opens: its `href` (which carries its span), or the viewer URL built from its parts. */
export function citationHref(c: Citation): string {
  if (c.href) return c.href;
  if (c.charStart !== null && c.charEnd !== null && c.charEnd > c.charStart) {
    return spanHref(c.documentId, { page: c.page, start: c.charStart, end: c.charEnd });
  }
  return `/documents/${c.documentId}?page=${c.page}&chunk=${c.chunkId}`;
}

/**
 * Router state handed to the viewer: what it can show beside the highlight without another request
 * (the snippet, the section). The highlight itself comes from the address, so it survives without it.
 */
export interface ViewerLocationState {
  citation?: Pick<
    Citation,
    'snippet' | 'charStart' | 'charEnd' | 'page' | 'chunkId' | 'fileName' | 'sectionPath'
  >;
  from?: string;
  /** The span the viewer was opened on, remembered while the student turns to other pages. */
  cited?: CitedSpan;
}

export function viewerStateOf(c: Citation, from?: string): ViewerLocationState {
  return {
    citation: {
      snippet: c.snippet,
      charStart: c.charStart,
      charEnd: c.charEnd,
      page: c.page,
      chunkId: c.chunkId,
      fileName: c.fileName,
      ...(c.sectionPath ? { sectionPath: c.sectionPath } : {}),
    },
    ...(from !== undefined ? { from } : {}),
  };
}

export function CitationChip({ n, citation }: { n: number; citation: Citation | undefined }) {
  if (!citation) {
    return <span className="cite cite--plain">[{n}]</span>;
  }
  return (
    <Link
      to={citationHref(citation)}
      state={viewerStateOf(citation, `${window.location.pathname}${window.location.search}`)}
      className="cite"
      data-testid="citation-chip"
      data-citation-n={n}
      aria-label={`Source ${n}: ${citation.fileName}, page ${citation.page}`}
      title={`${citation.fileName} · p. ${citation.page}\n${truncate(citation.snippet, 220)}`}
    >
      {n}
    </Link>
  );
}

function truncate(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
