import type { PassageHint } from './highlight.js';
import { markRanges } from './markRanges.js';
import { pdfjs, type PDFDocumentProxy, type PDFPageProxy } from './pdfjs.js';
import { clampPage, pageScale, passageRanges, passageText, type PageSpan } from './pdfRules.js';
import type { TextItemLike } from './textLayerSpan.js';

type TextContent = Awaited<ReturnType<PDFPageProxy['getTextContent']>>;
type TextLayer = InstanceType<typeof pdfjs.TextLayer>;
type Viewport = ReturnType<PDFPageProxy['getViewport']>;

/** Where a page is drawn: the page box, its canvas, and the text layer laid over the canvas. */
export interface PdfPageElements {
  page: HTMLDivElement;
  canvas: HTMLCanvasElement;
  text: HTMLDivElement;
}

/** A drawn page: its text content and the text layer that shows it, one span per text item. */
export interface DrawnPdfPage {
  content: TextContent;
  textLayer: TextLayer;
}

/** Drawing work that a newer page, size or document makes moot. */
export interface Cancellable {
  cancel(): void;
}

/**
 * Draws page `page` of `pdf` at the frame's `width` times `zoom`: the canvas, and the selectable
 * text layer over it. Each task it starts is pushed to `tasks` for the caller to cancel; resolves
 * to null when `isCancelled()` turned true on the way.
 */
export async function drawPdfPage(
  pdf: PDFDocumentProxy,
  page: number,
  view: { width: number; zoom: number },
  elements: PdfPageElements,
  tasks: Cancellable[],
  isCancelled: () => boolean,
): Promise<DrawnPdfPage | null> {
  const p = await pdf.getPage(clampPage(page, pdf.numPages));
  if (isCancelled()) return null;
  const scale = pageScale(p.getViewport({ scale: 1 }).width, view.width, view.zoom);
  const viewport = p.getViewport({ scale });
  const ratio = window.devicePixelRatio || 1;
  sizePage(elements, viewport, scale, ratio);
  const renderTask = p.render({
    canvas: elements.canvas,
    viewport,
    transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined,
  });
  tasks.push(renderTask);
  // The whole text content, not a stream: its items (with their line ends) are what a span's
  // offsets count, and the text layer makes one span per item, in the same order.
  const content = await p.getTextContent();
  if (isCancelled()) return null;
  elements.text.replaceChildren();
  const textLayer = new pdfjs.TextLayer({ textContentSource: content, container: elements.text, viewport });
  tasks.push(textLayer);
  await Promise.all([renderTask.promise, textLayer.render()]);
  return isCancelled() ? null : { content, textLayer };
}

/** The canvas gets device pixels (sharp on high-DPI screens); the page box, the CSS size. */
function sizePage({ page, canvas }: PdfPageElements, viewport: Viewport, scale: number, ratio: number) {
  canvas.width = Math.floor(viewport.width * ratio);
  canvas.height = Math.floor(viewport.height * ratio);
  canvas.style.width = `${Math.floor(viewport.width)}px`;
  canvas.style.height = `${Math.floor(viewport.height)}px`;
  page.style.width = `${Math.floor(viewport.width)}px`;
  page.style.height = `${Math.floor(viewport.height)}px`;
  page.style.setProperty('--total-scale-factor', String(scale));
}

/**
 * Marks the cited passage in a drawn page's text layer (exactly `span` when given, else wherever
 * `hint` is found). Returns the marks, first one first, and the marked text (null when none).
 */
export function markPdfPassage(
  { content, textLayer }: DrawnPdfPage,
  span: PageSpan | null,
  hint: PassageHint,
): { marks: HTMLElement[]; text: string | null } {
  const items: TextItemLike[] = content.items.flatMap((item) => ('str' in item ? [item] : []));
  const ranges = passageRanges(items, textLayer.textContentItemsStr, span, hint);
  const marks = markRanges(textLayer.textDivs, ranges);
  return { marks, text: marks.length > 0 ? passageText(items, ranges, span) : null };
}
