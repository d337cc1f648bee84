import type { DocumentDto } from '@classchat/contracts';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { documentsApi } from '../api/documents.js';
import { errorMessage } from '../api/http.js';
import type { ViewerLocationState } from '../chat/CitationChip.js';
import { fileKind } from '../library/uploadRules.js';
import { Icon } from '../ui/Icon.js';
import { Spinner } from '../ui/ProgressBar.js';
import { PdfView } from './PdfView.js';
import { TextView } from './TextView.js';
import './viewer.css';

/** 1 = the page fits the column. */
const ZOOM_STEPS = [0.75, 1, 1.25, 1.5, 2, 3];

/** `/documents/:id?page=N&chunk=…` — the original file at a 1-based physical page, passage highlighted. */
export function ViewerPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const state = (location.state as ViewerLocationState | null) ?? null;
  const citation = state?.citation ?? null;
  const chunk = params.get('chunk');
  const requestedPage = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);

  const [doc, setDoc] = useState<DocumentDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pageCount, setPageCount] = useState<number | null>(null);
  const [pageInput, setPageInput] = useState(String(requestedPage));
  const [zoom, setZoom] = useState(1);

  const page = pageCount ? Math.min(requestedPage, pageCount) : requestedPage;
  const citedPage = citation?.page ?? (chunk ? requestedPage : null);
  const hint = citation && (citation.page === page || citedPage === page) ? citation : null;

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

  useEffect(() => setPageInput(String(page)), [page]);

  function goTo(n: number) {
    const target = Math.min(Math.max(1, n), pageCount ?? n);
    const next = new URLSearchParams(params);
    next.set('page', String(target));
    setParams(next, { replace: true, state: location.state as unknown });
  }

  function submitPage(e: FormEvent) {
    e.preventDefault();
    const n = Number.parseInt(pageInput, 10);
    if (Number.isFinite(n)) goTo(n);
    else setPageInput(String(page));
  }

  const kind = doc ? fileKind(doc.fileName, doc.mimeType) : null;
  const fileUrl = documentsApi.fileUrl(id);
  const paged = kind === 'pdf';

  return (
    <main
      className="viewer"
      id="main"
      onKeyDown={(e) => {
        if (!paged || (e.target as HTMLElement).closest('input, textarea, select')) return;
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
          {paged && (
            <nav className="viewer__pager" aria-label="Pages">
              <button
                type="button"
                className="icon-btn"
                aria-label="Previous page"
                disabled={page <= 1}
                onClick={() => goTo(page - 1)}
                data-testid="viewer-prev"
              >
                <Icon name="chevronLeft" />
              </button>
              <form onSubmit={submitPage} className="viewer__page-form">
                <label htmlFor="viewer-page" className="visually-hidden">
                  Page number
                </label>
                <input
                  id="viewer-page"
                  className="input viewer__page-input"
                  inputMode="numeric"
                  value={pageInput}
                  onChange={(e) => setPageInput(e.target.value.replace(/[^0-9]/g, ''))}
                  onBlur={submitPage}
                  data-testid="viewer-page-input"
                />
                <span className="viewer__page-total">of {pageCount ?? '…'}</span>
              </form>
              <button
                type="button"
                className="icon-btn"
                aria-label="Next page"
                disabled={pageCount !== null && page >= pageCount}
                onClick={() => goTo(page + 1)}
                data-testid="viewer-next"
              >
                <Icon name="chevronRight" />
              </button>
            </nav>
          )}
          {paged && (
            <div className="viewer__zoom" role="group" aria-label="Zoom">
              <button
                type="button"
                className="icon-btn"
                aria-label="Zoom out"
                disabled={zoom <= ZOOM_STEPS[0]!}
                onClick={() => setZoom((z) => ZOOM_STEPS[Math.max(0, ZOOM_STEPS.indexOf(z) - 1)] ?? z)}
              >
                <Icon name="minus" />
              </button>
              <span className="viewer__zoom-label" aria-live="polite">
                {Math.round(zoom * 100)}%
              </span>
              <button
                type="button"
                className="icon-btn"
                aria-label="Zoom in"
                disabled={zoom >= ZOOM_STEPS[ZOOM_STEPS.length - 1]!}
                onClick={() =>
                  setZoom((z) => ZOOM_STEPS[Math.min(ZOOM_STEPS.length - 1, ZOOM_STEPS.indexOf(z) + 1)] ?? z)
                }
              >
                <Icon name="plus" />
              </button>
            </div>
          )}
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

      {citation && (
        <aside className="passage" aria-label="Cited passage" data-testid="cited-passage">
          <p className="passage__label">
            Cited passage · p. {citation.page}
            {citation.page !== page && paged && (
              <button type="button" className="link-btn" onClick={() => goTo(citation.page)}>
                Go to page {citation.page}
              </button>
            )}
          </p>
          <blockquote className="passage__text">{citation.snippet}</blockquote>
        </aside>
      )}

      <section className="viewer__stage" aria-label="Document">
        {error ? (
          <div className="empty">
            <h2 className="empty__title">{error}</h2>
            <Link to="/library" className="btn btn-primary">
              Back to library
            </Link>
          </div>
        ) : !doc ? (
          <div className="pdf__loading">
            <Spinner label="Loading document" />
          </div>
        ) : kind === 'pdf' ? (
          <PdfView url={fileUrl} page={page} zoom={zoom} hint={hint} onLoaded={setPageCount} />
        ) : kind === 'docx' ? (
          <TextView url={fileUrl} hint={citation} format="docx" />
        ) : (
          <TextView url={fileUrl} hint={citation} />
        )}
      </section>
    </main>
  );
}
