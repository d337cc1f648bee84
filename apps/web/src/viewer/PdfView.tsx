import { useRef } from 'react';
import { Spinner } from '../ui/ProgressBar.js';
import type { PassageHint } from './highlight.js';
import type { PageSpan } from './pdfRules.js';
import { useElementWidth } from './useElementWidth.js';
import { usePdfDocument } from './usePdfDocument.js';
import { usePdfPage } from './usePdfPage.js';

/**
 * Renders one page of a PDF (canvas + selectable text layer) and highlights the cited passage:
 * exactly `span` when given, else wherever `hint` (a snippet saved with an older citation) is found.
 * `onPassage` receives the highlighted text, or null when nothing could be highlighted.
 */
export function PdfView({
  url,
  page,
  zoom = 1,
  span = null,
  hint = null,
  onLoaded,
  onPassage,
}: {
  url: string;
  page: number;
  /** 1 = fit the frame's width (up to MAX_PAGE_WIDTH). */
  zoom?: number;
  span?: PageSpan | null;
  hint?: PassageHint | null;
  onLoaded: (pageCount: number) => void;
  onPassage?: (text: string | null) => void;
}) {
  const frameRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(frameRef);
  const doc = usePdfDocument(url, onLoaded);
  const shown = usePdfPage(doc.pdf, { page, width, zoom, span, hint }, onPassage);
  const error = doc.error ?? shown.error;
  const hasHint = span !== null || hint !== null;

  return (
    <div className="pdf" ref={frameRef} data-zoomed={zoom > 1 ? true : undefined}>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : (
        <>
          {(shown.rendering || !doc.pdf) && (
            <div className="pdf__loading">
              <Spinner label="Loading page" />
            </div>
          )}
          <div className="pdf__page" ref={shown.pageRef} data-testid="pdf-page" data-page={page}>
            <canvas ref={shown.canvasRef} className="pdf__canvas" aria-label={`Page ${page}`} role="img" />
            <div ref={shown.textRef} className="textLayer" data-testid="pdf-text-layer" />
          </div>
          {hasHint && shown.highlightFound === false && (
            <p className="viewer__note" role="status">
              The exact passage could not be located on this page; it is shown above the page instead.
            </p>
          )}
        </>
      )}
    </div>
  );
}
