import { useEffect, useRef, useState } from 'react';
import { Spinner } from '../ui/ProgressBar.js';
import { locatePassage, type PassageHint, type PieceRange } from './highlight.js';
import { markRanges } from './markRanges.js';
import { scrollIntoViewIfHidden } from './scrollIntoViewIfHidden.js';
import { pdfjs, type PDFDocumentProxy } from './pdfjs.js';
import { rawPageText, rawSpanToItemRanges, type TextItemLike } from './textLayerSpan.js';

/** Pages are shown at the frame's width, but no wider than this (CSS px). */
const MAX_PAGE_WIDTH = 880;

/** Characters `[start, end)` of the shown page's raw text (its text items joined, `\n` at line ends). */
export interface PageSpan {
  start: number;
  end: number;
}

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
  const [pdf, setPdf] = useState<PDFDocumentProxy | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rendering, setRendering] = useState(true);
  const [highlightFound, setHighlightFound] = useState<boolean | null>(null);
  const [width, setWidth] = useState(0);
  const frameRef = useRef<HTMLDivElement>(null);
  const pageRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const textRef = useRef<HTMLDivElement>(null);
  const onLoadedRef = useRef(onLoaded);
  const onPassageRef = useRef(onPassage);
  useEffect(() => {
    onLoadedRef.current = onLoaded;
    onPassageRef.current = onPassage;
  });

  useEffect(() => {
    const task = pdfjs.getDocument({ url, withCredentials: true });
    let cancelled = false;
    setPdf(null);
    setError(null);
    task.promise.then(
      (doc) => {
        if (cancelled) return;
        setPdf(doc);
        onLoadedRef.current(doc.numPages);
      },
      (err: unknown) => {
        if (cancelled) return;
        const name = (err as { name?: string } | null)?.name;
        setError(
          name === 'PasswordException'
            ? 'This PDF is password-protected and cannot be shown.'
            : 'This PDF could not be opened. It may have been deleted.',
        );
      },
    );
    return () => {
      cancelled = true;
      void task.destroy();
    };
  }, [url]);

  useEffect(() => {
    const frame = frameRef.current;
    if (!frame) return;
    const measure = () => setWidth(Math.floor(frame.clientWidth));
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(frame);
    return () => ro.disconnect();
  }, []);

  const spanStart = span?.start ?? null;
  const spanEnd = span?.end ?? null;
  const snippet = hint?.snippet ?? null;
  const charStart = hint?.charStart ?? null;
  const charEnd = hint?.charEnd ?? null;
  const hasHint = span !== null || hint !== null;

  useEffect(() => {
    const canvas = canvasRef.current;
    const textDiv = textRef.current;
    const pageDiv = pageRef.current;
    if (!pdf || !canvas || !textDiv || !pageDiv || width === 0) return;
    let cancelled = false;
    let renderTask: ReturnType<Awaited<ReturnType<PDFDocumentProxy['getPage']>>['render']> | null = null;
    let textLayer: InstanceType<typeof pdfjs.TextLayer> | null = null;
    setRendering(true);
    setHighlightFound(null);

    void (async () => {
      try {
        const p = await pdf.getPage(Math.min(Math.max(1, page), pdf.numPages));
        if (cancelled) return;
        const base = p.getViewport({ scale: 1 });
        const scale = Math.min(6, Math.max(0.3, (Math.min(width, MAX_PAGE_WIDTH) / base.width) * zoom));
        const viewport = p.getViewport({ scale });
        const ratio = window.devicePixelRatio || 1;
        canvas.width = Math.floor(viewport.width * ratio);
        canvas.height = Math.floor(viewport.height * ratio);
        canvas.style.width = `${Math.floor(viewport.width)}px`;
        canvas.style.height = `${Math.floor(viewport.height)}px`;
        pageDiv.style.width = `${Math.floor(viewport.width)}px`;
        pageDiv.style.height = `${Math.floor(viewport.height)}px`;
        pageDiv.style.setProperty('--total-scale-factor', String(scale));
        renderTask = p.render({
          canvas,
          viewport,
          transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined,
        });
        // The whole text content, not a stream: its items (with their line ends) are what a span's
        // offsets count, and the text layer makes one span per item, in the same order.
        const content = await p.getTextContent();
        if (cancelled) return;
        textDiv.replaceChildren();
        textLayer = new pdfjs.TextLayer({ textContentSource: content, container: textDiv, viewport });
        await Promise.all([renderTask.promise, textLayer.render()]);
        if (cancelled) return;
        setRendering(false);
        if (!hasHint) return;
        const items: TextItemLike[] = content.items.flatMap((item) => ('str' in item ? [item] : []));
        const ranges =
          spanStart !== null && spanEnd !== null
            ? rawSpanToItemRanges(items, spanStart, spanEnd)
            : locatePassage(textLayer.textContentItemsStr, { snippet, charStart, charEnd });
        const marks = markRanges(textLayer.textDivs, ranges);
        setHighlightFound(marks.length > 0);
        onPassageRef.current?.(marks.length > 0 ? passageText(items, ranges, spanStart, spanEnd) : null);
        scrollIntoViewIfHidden(marks[0]);
      } catch (err) {
        if (cancelled || (err as { name?: string } | null)?.name === 'RenderingCancelledException') return;
        setError('This page could not be shown.');
        setRendering(false);
      }
    })();

    return () => {
      cancelled = true;
      renderTask?.cancel();
      textLayer?.cancel();
    };
  }, [pdf, page, width, zoom, hasHint, spanStart, spanEnd, snippet, charStart, charEnd]);

  return (
    <div className="pdf" ref={frameRef} data-zoomed={zoom > 1 ? true : undefined}>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : (
        <>
          {(rendering || !pdf) && (
            <div className="pdf__loading">
              <Spinner label="Loading page" />
            </div>
          )}
          <div className="pdf__page" ref={pageRef} data-testid="pdf-page" data-page={page}>
            <canvas ref={canvasRef} className="pdf__canvas" aria-label={`Page ${page}`} role="img" />
            <div ref={textRef} className="textLayer" data-testid="pdf-text-layer" />
          </div>
          {hasHint && highlightFound === false && (
            <p className="viewer__note" role="status">
              The exact passage could not be located on this page; it is shown above the page instead.
            </p>
          )}
        </>
      )}
    </div>
  );
}

/** The highlighted text: the span of the raw page text, or the located pieces joined by spaces. */
function passageText(
  items: readonly TextItemLike[],
  ranges: readonly PieceRange[],
  spanStart: number | null,
  spanEnd: number | null,
): string {
  if (spanStart !== null && spanEnd !== null) return rawPageText(items).slice(spanStart, spanEnd);
  return ranges.map((r) => items[r.piece]!.str.slice(r.start, r.end)).join(' ');
}
