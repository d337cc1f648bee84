import type { DocumentDto } from '@classchat/contracts';
import { lazy, Suspense } from 'react';
import { Link } from 'react-router-dom';
import type { ViewerLocationState } from '../chat/CitationChip.js';
import type { FileKind } from '../library/uploadRules.js';
import { Spinner } from '../ui/ProgressBar.js';
import { TextView } from './TextView.js';
import type { CitedSpan } from './viewerUrl.js';

// PDF.js is loaded only when a PDF is opened: Word, Markdown and text documents never need it.
const PdfView = lazy(() => import('./PdfView.js').then((m) => ({ default: m.PdfView })));

const loading = (
  <div className="pdf__loading">
    <Spinner label="Loading document" />
  </div>
);

/** What the document shows: a PDF's page, or the whole text, with the cited passage marked. */
export interface DocumentShown {
  fileUrl: string;
  kind: FileKind | null;
  page: number;
  zoom: number;
  cited: CitedSpan | null;
  citation: ViewerLocationState['citation'] | null;
}

/**
 * The document itself under its section's name: loading, the reason it cannot be shown, a PDF's
 * page, or a text; `onLoaded` hears a PDF's page count, `onPassage` the highlighted text.
 */
export function DocumentStage({
  doc,
  error,
  section,
  shown,
  onLoaded,
  onPassage,
}: {
  doc: DocumentDto | null;
  error: string | null;
  section: string | null;
  shown: DocumentShown;
  onLoaded: (pageCount: number) => void;
  onPassage: (text: string | null) => void;
}) {
  const { fileUrl, kind, page, zoom, cited, citation } = shown;
  const span = cited && cited.page === page ? cited : null;
  // Links saved before spans: find the in-app citation's snippet on its page, as they always did.
  const hint = !cited && citation && citation.page === page ? citation : null;
  return (
    <section className="viewer__stage" aria-label="Document">
      {section && doc && !error && (
        <p className="viewer__section" data-testid="viewer-section">
          {section}
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
            onLoaded={onLoaded}
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
  );
}
