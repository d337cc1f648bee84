import { splitForMark, type PieceRange } from './highlight.js';

/**
 * Wrap each range of text inside its element in `<mark class="hl">` (text-layer spans keep their
 * position and scale; only their text node is split). Returns the marks, first one first.
 */
export function markRanges(elements: readonly HTMLElement[], ranges: readonly PieceRange[]): HTMLElement[] {
  const marks: HTMLElement[] = [];
  for (const range of ranges) {
    const el = elements[range.piece];
    if (!el) continue;
    const text = el.textContent ?? '';
    const [before, middle, after] = splitForMark(text, range.start, range.end);
    if (!middle) continue;
    const mark = document.createElement('mark');
    mark.className = 'hl';
    mark.textContent = middle;
    el.replaceChildren(before, mark, after);
    marks.push(mark);
  }
  return marks;
}
