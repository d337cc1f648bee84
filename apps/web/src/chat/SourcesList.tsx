import type { Citation } from '@classchat/contracts';
import { Link } from 'react-router-dom';
import { citationHref, viewerStateOf } from './CitationChip.js';
import { markerLabel, sourceGroups } from './sourceGroups.js';

/**
 * "Sources" under an answer (or, under an answer the material does not cover, the closest sections
 * to look in): one line per distinct place cited — its markers, section title · file name · p. N —
 * opening the first passage cited there.
 */
export function SourcesList({ citations, title = 'Sources' }: { citations: Citation[]; title?: string }) {
  if (citations.length === 0) return null;
  return (
    <div className="sources" data-testid="sources">
      <h3 className="sources__title">{title}</h3>
      <ol className="sources__list">
        {sourceGroups(citations).map(({ first: c, ns }) => (
          <li key={`${c.n}-${c.chunkId}`} className="sources__item">
            <Link
              to={citationHref(c)}
              state={viewerStateOf(c)}
              className="sources__link"
              data-testid="source-link"
              data-citation-ns={ns.join(' ')}
            >
              <span className="sources__n">{markerLabel(ns)}</span>
              {c.sectionPath?.length ? (
                <span className="sources__section" data-testid="source-section">
                  {c.sectionPath.at(-1)}
                </span>
              ) : null}
              <span className="sources__file">{c.fileName}</span>
              <span className="sources__page">· p. {c.page}</span>
            </Link>
          </li>
        ))}
      </ol>
    </div>
  );
}
