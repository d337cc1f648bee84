import type { Citation } from '@classchat/contracts';
import { Link } from 'react-router-dom';

/** Where a citation opens: its `href`, or the viewer URL built from its parts. */
export function citationHref(c: Citation): string {
  if (c.href) return c.href;
  return `/documents/${c.documentId}?page=${c.page}&chunk=${c.chunkId}`;
}

/** Router state handed to the viewer so it can highlight the passage without another request. */
export interface ViewerLocationState {
  citation?: Pick<Citation, 'snippet' | 'charStart' | 'charEnd' | 'page' | 'chunkId' | 'fileName'>;
  from?: string;
}

export function CitationChip({ n, citation }: { n: number; citation: Citation | undefined }) {
  if (!citation) {
    return <span className="cite cite--plain">[{n}]</span>;
  }
  const state: ViewerLocationState = {
    citation: {
      snippet: citation.snippet,
      charStart: citation.charStart,
      charEnd: citation.charEnd,
      page: citation.page,
      chunkId: citation.chunkId,
      fileName: citation.fileName,
    },
    from: `${window.location.pathname}${window.location.search}`,
  };
  return (
    <Link
      to={citationHref(citation)}
      state={state}
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
