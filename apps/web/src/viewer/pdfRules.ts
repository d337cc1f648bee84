import { locatePassage, type PassageHint, type PieceRange } from './highlight.js';
import { rawPageText, rawSpanToItemRanges, type TextItemLike } from './textLayerSpan.js';

/** Pages are shown at the frame's width, but no wider than this (CSS px). */
export const MAX_PAGE_WIDTH = 880;

/** Characters `[start, end)` of the shown page's raw text (its text items joined, `\n` at line ends). */
export interface PageSpan {
  start: number;
  end: number;
}

/** What the viewer says when PDF.js cannot open a file: a password, or anything else. */
export function pdfOpenErrorMessage(err: unknown): string {
  return errorName(err) === 'PasswordException'
    ? 'This PDF is password-protected and cannot be shown.'
    : 'This PDF could not be opened. It may have been deleted.';
}

/** A newer page or size stopped the drawing: not a failure to show. */
export function isRenderingCancelled(err: unknown): boolean {
  return errorName(err) === 'RenderingCancelledException';
}

function errorName(err: unknown): string | undefined {
  return (err as { name?: string } | null)?.name;
}

/** The 1-based page to draw: `page` kept within the document. */
export function clampPage(page: number, pageCount: number): number {
  return Math.min(Math.max(1, page), pageCount);
}

/**
 * The scale that shows a page `pageWidth` wide (at scale 1) at the frame's width, never wider than
 * MAX_PAGE_WIDTH, times `zoom`; kept within what stays legible and what a canvas can hold.
 */
export function pageScale(pageWidth: number, frameWidth: number, zoom: number): number {
  return Math.min(6, Math.max(0.3, (Math.min(frameWidth, MAX_PAGE_WIDTH) / pageWidth) * zoom));
}

/**
 * The parts of the page's text items to highlight: exactly `span` of the raw page text when given,
 * else wherever `hint` (an older citation's snippet) is found in `shown`, the strings the text layer
 * shows (one per item, in the same order).
 */
export function passageRanges(
  items: readonly TextItemLike[],
  shown: readonly string[],
  span: PageSpan | null,
  hint: PassageHint,
): PieceRange[] {
  return span ? rawSpanToItemRanges(items, span.start, span.end) : locatePassage(shown, hint);
}

/** The highlighted text: the span of the raw page text, or the located pieces joined by spaces. */
export function passageText(
  items: readonly TextItemLike[],
  ranges: readonly PieceRange[],
  span: PageSpan | null,
): string {
  if (span) return rawPageText(items).slice(span.start, span.end);
  return ranges.map((r) => items[r.piece]!.str.slice(r.start, r.end)).join(' ');
}
