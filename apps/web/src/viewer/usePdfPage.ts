import { useEffect, useRef, useState } from 'react';
import { useLatestRef } from '../ui/useLatestRef.js';
import type { PassageHint } from './highlight.js';
import type { PDFDocumentProxy } from './pdfjs.js';
import { drawPdfPage, markPdfPassage, type Cancellable } from './pdfPage.js';
import { isRenderingCancelled, type PageSpan } from './pdfRules.js';
import { scrollIntoViewIfHidden } from './scrollIntoViewIfHidden.js';

export interface PdfPageView {
  page: number;
  /** The frame's width (CSS px); nothing is drawn while it is 0. */
  width: number;
  zoom: number;
  span: PageSpan | null;
  hint: PassageHint | null;
}

/**
 * Draws the page of `pdf` into the page box, canvas and text layer behind the returned refs, then
 * marks and scrolls to the cited passage; `onPassage` receives the marked text, or null when nothing
 * could be marked. Each change of page, size or passage cancels the drawing under way and starts again.
 */
export function usePdfPage(
  pdf: PDFDocumentProxy | null,
  { page, width, zoom, span, hint }: PdfPageView,
  onPassage?: (text: string | null) => void,
) {
  const pageRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const textRef = useRef<HTMLDivElement>(null);
  const [rendering, setRendering] = useState(true);
  const [highlightFound, setHighlightFound] = useState<boolean | null>(null);
  // A page that failed stays shown as failed until another document is opened.
  const [failedIn, setFailedIn] = useState<PDFDocumentProxy | null>(null);
  const onPassageRef = useLatestRef(onPassage);

  const spanStart = span?.start ?? null;
  const spanEnd = span?.end ?? null;
  const snippet = hint?.snippet ?? null;
  const charStart = hint?.charStart ?? null;
  const charEnd = hint?.charEnd ?? null;
  const hasHint = span !== null || hint !== null;

  useEffect(() => {
    const [box, canvas, text] = [pageRef.current, canvasRef.current, textRef.current];
    if (!pdf || !box || !canvas || !text || width === 0) return;
    let cancelled = false;
    const tasks: Cancellable[] = [];
    setRendering(true);
    setHighlightFound(null);

    void (async () => {
      try {
        const elements = { page: box, canvas, text };
        const drawn = await drawPdfPage(pdf, page, { width, zoom }, elements, tasks, () => cancelled);
        if (!drawn) return;
        setRendering(false);
        if (!hasHint) return;
        const cited = spanStart !== null && spanEnd !== null ? { start: spanStart, end: spanEnd } : null;
        const passage = markPdfPassage(drawn, cited, { snippet, charStart, charEnd });
        setHighlightFound(passage.marks.length > 0);
        onPassageRef.current?.(passage.text);
        scrollIntoViewIfHidden(passage.marks[0]);
      } catch (err) {
        if (cancelled || isRenderingCancelled(err)) return;
        setFailedIn(pdf);
        setRendering(false);
      }
    })();

    return () => {
      cancelled = true;
      for (const task of tasks) task.cancel();
    };
  }, [pdf, page, width, zoom, hasHint, spanStart, spanEnd, snippet, charStart, charEnd, onPassageRef]);

  const error = failedIn !== null && failedIn === pdf ? 'This page could not be shown.' : null;
  return { pageRef, canvasRef, textRef, rendering, highlightFound, error };
}
