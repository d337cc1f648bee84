import type { Citation } from '@classchat/contracts';
import { Link } from 'react-router-dom';
import { citationHref, viewerStateOf } from './CitationChip.js';

/** "Sources" under an answer: one line per cited passage, file name · p. N. */
export function SourcesList({ citations }: { citations: Citation[] }) {
  if (citations.length === 0) return null;
  const sorted = [...citations].sort((a, b) => a.n - b.n);
  return (
    <div className="sources" data-testid="sources">
      <h3 className="sources__title">Sources</h3>
      <ol className="sources__list">
        {sorted.map((c) => (
          <li key={`${c.n}-${c.chunkId}`} className="sources__item">
            <Link
              to={citationHref(c)}
              state={viewerStateOf(c)}
              className="sources__link"
              data-testid="source-link"
            >
              <span className="sources__n">{c.n}</span>
              <span className="sources__file">{c.fileName}</span>
              <span className="sources__page">· p. {c.page}</span>
            </Link>
          </li>
        ))}
      </ol>
    </div>
  );
}
