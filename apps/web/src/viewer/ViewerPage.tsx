import type { DocumentDto } from '@classchat/contracts';
import { lazy, Suspense, useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { documentsApi } from '../api/documents.js';
import { errorMessage } from '../api/http.js';
import type { ViewerLocationState } from '../chat/CitationChip.js';
import { fileKind } from '../library/uploadRules.js';
import { Icon } from '../ui/Icon.js';
import { Spinner } from '../ui/ProgressBar.js';
import { OutlineNav } from './OutlineNav.js';
import { sectionLabel, sectionTitleFor } from './outline.js';
import { TextView } from './TextView.js';
import { Pager, ZoomControls } from './ViewerControls.js';
import { paramsForPage, parseViewerTarget } from './viewerUrl.js';
import './viewer.css';

// PDF.js is loaded only when a PDF is opened: Word, Markdown and text documents never need it.
const PdfView = lazy(() => import('./PdfView.js').then((m) => ({ default: m.PdfView })));

const loading = (
  <div className="pdf__loading">
    <Spinner label="Loading document" />
  </div>
);

/**
 * `/documents/:id?page=N&start=S&end=E` — the original file at a 1-based physical page, with the
 * characters S..E of that page highlighted (`chunk=…` links saved before spans still open their page).
 */
export function ViewerPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const state = (location.state as ViewerLocationState | null) ?? null;
  const citation = state?.citation ?? null;
  const target = parseViewerTarget(params);
  // The address carries the span on its own page; the history entry remembers it on the others.
  const cited = target.span ?? state?.cited ?? null;

  const [doc, setDoc] = useState<DocumentDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pageCount, setPageCount] = useState<number | null>(null);
  const [zoom, setZoom] = useState(1);
  // The highlighted text, as the page or text showed it, for the span it belongs to.
  const [passage, setPassage] = useState<{ key: string; text: string } | null>(null);

  const page = pageCount ? Math.min(target.page, pageCount) : target.page;
  const citedPage = cited?.page ?? citation?.page ?? null;
  const span = cited && cited.page === page ? cited : null;
  // Links saved before spans: find the in-app citation's snippet on its page, as they always did.
  const hint = !cited && citation && citation.page === page ? citation : null;

  useEffect(() => {
    let cancelled = false;
    documentsApi.get(id).then(
      (d) => {
        if (cancelled) return;
        setDoc(d);
        if (d.pageCount) setPageCount(d.pageCount);
      },
      (err: unknown) => !cancelled && setError(errorMessage(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [id]);

  function goTo(n: number) {
    const to = Math.min(Math.max(1, n), pageCount ?? n);
    const next: ViewerLocationState = { ...state, ...(cited ? { cited } : {}) };
    setParams(paramsForPage(params, to, cited), { replace: true, state: next });
  }

  const kind = doc ? fileKind(doc.fileName, doc.mimeType) : null;
  const fileUrl = documentsApi.fileUrl(id);
  const paged = kind === 'pdf';
  const sectionTitle = sectionTitleFor(
    page,
    citation && citation.page === page ? citation.sectionPath : null,
    paged ? doc?.outline : null,
  );
  const passageKey = cited ? `${id}:${cited.page}:${cited.start}:${cited.end}` : null;
  const quoted = citation?.snippet ?? (passage && passage.key === passageKey ? passage.text : null);
  const onPassage = (text: string | null) => {
    if (text !== null && passageKey !== null) setPassage({ key: passageKey, text });
  };

  return (
    <main
      className="viewer"
      id="main"
      onKeyDown={(e) => {
        if (!paged || (e.target as HTMLElement).closest('input, textarea, select, .toc')) return;
        if (e.key === 'ArrowRight') goTo(page + 1);
        if (e.key === 'ArrowLeft') goTo(page - 1);
      }}
    >
      <div className="viewer__sticky">
        <header className="viewer__bar">
          <button
            type="button"
            className="btn btn-small btn-ghost"
            aria-label="Back"
            onClick={() => (state?.from || window.history.length > 1 ? navigate(-1) : navigate('/library'))}
          >
            <Icon name="chevronLeft" size={16} /> <span className="hide-narrow">Back</span>
          </button>
          <h1 className="viewer__title" title={doc?.fileName}>
            {doc?.fileName ?? citation?.fileName ?? 'Document'}
          </h1>
          {paged && doc?.outline && doc.outline.length > 0 && (
            <OutlineNav outline={doc.outline} page={page} onGo={goTo} />
          )}
          {paged && <Pager page={page} pageCount={pageCount} onGo={goTo} />}
          {paged && <ZoomControls zoom={zoom} onZoom={setZoom} />}
          {doc && (
            <a
              className="btn btn-small btn-secondary viewer__download"
              href={fileUrl}
              download={doc.fileName}
              aria-label="Download original"
            >
              <Icon name="external" size={16} /> <span className="hide-narrow">Original</span>
            </a>
          )}
        </header>
      </div>

      {citedPage !== null && quoted && (
        <aside className="passage" aria-label="Cited passage" data-testid="cited-passage">
          <p className="passage__label">
            Cited passage · p. {citedPage}
            {citedPage !== page && paged && (
              <button type="button" className="link-btn" onClick={() => goTo(citedPage)}>
                Go to page {citedPage}
              </button>
            )}
          </p>
          <blockquote className="passage__text">{quoted.replace(/\s+/g, ' ').trim()}</blockquote>
        </aside>
      )}

      <section className="viewer__stage" aria-label="Document">
        {sectionTitle && doc && !error && (
          <p className="viewer__section" data-testid="viewer-section">
            {paged ? sectionLabel(sectionTitle, page) : sectionTitle}
          </p>
        )}
        {error ? (
          <div className="empty">
            <h2 className="empty__title">{error}</h2>
            <Link to="/library" className="btn btn-primary">
              Back to library
            </Link>
          </div>
        ) : !doc ? (
          loading
        ) : kind === 'pdf' ? (
          <Suspense fallback={loading}>
            <PdfView
              url={fileUrl}
              page={page}
              zoom={zoom}
              span={span}
              hint={hint}
              onLoaded={setPageCount}
              onPassage={onPassage}
            />
          </Suspense>
        ) : (
          <TextView
            url={fileUrl}
            span={cited}
            hint={cited ? null : citation}
            format={kind === 'docx' ? 'docx' : 'text'}
            onPassage={onPassage}
          />
        )}
      </section>
    </main>
  );
}
