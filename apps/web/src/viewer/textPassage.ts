import { locatePassage, type PassageHint } from './highlight.js';

export interface TextRange {
  start: number;
  end: number;
}

/**
 * The characters of `text` to mark: exactly `span` (cut to the text's end) when given, else
 * wherever `hint` (an older citation's snippet) is found; null when there is nothing to mark.
 */
export function textPassageRange(
  text: string,
  span: TextRange | null,
  hint: PassageHint | null,
): TextRange | null {
  if (span) {
    const start = Math.min(span.start, text.length);
    const end = Math.min(span.end, text.length);
    return end > start ? { start, end } : null;
  }
  if (!hint) return null;
  const [r] = locatePassage([text], hint);
  return r ?? null;
}
