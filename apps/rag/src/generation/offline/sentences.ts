/**
 * Sentence boundaries of prose, as `[start, end)` offsets into the text given. Boundaries come from
 * `Intl.Segmenter` (Unicode sentence rules: "6.3", "t.test", "read.csv" and "e.g. the" stay whole),
 * then these rules fix what those rules cannot know:
 * - an abbreviation ("Fig.", "e.g.", "i.e.", "Dr.", "vs.", "p.") or an initial ("J.") does not end a
 *   sentence, even before a capital or a number ("See Fig. 2.", "i.e. The");
 * - a "sentence" that is only a number or a list label ("3.", "(a)") belongs to its neighbour;
 * - line breaks inside a paragraph are not boundaries (PDF text breaks every line); the caller
 *   passes one paragraph, and newlines are read as spaces.
 */

/** Abbreviations that never end a sentence (compared lowercased, without the final period). */
const ABBREVIATIONS = new Set([
  'e.g',
  'i.e',
  'cf',
  'vs',
  'viz',
  'fig',
  'figs',
  'eq',
  'eqs',
  'eqn',
  'sec',
  'sect',
  'ch',
  'chap',
  'no',
  'nos',
  'vol',
  'p',
  'pp',
  'ed',
  'al',
  'approx',
  'dr',
  'mr',
  'mrs',
  'ms',
  'prof',
  'st',
  'resp',
  'ref',
  'refs',
  'ex',
  'incl',
  'def',
  'max',
  'min',
  'cap',
  'art',
  'par',
  'tab',
  'app',
  'appx',
  'op',
  'cit',
  'ibid',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
]);

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

export interface Span {
  start: number;
  end: number;
}

/** The sentences of `text.slice(start, end)`, trimmed, as offsets into `text`. */
export function sentenceSpans(text: string, start = 0, end = text.length): Span[] {
  // Newlines become spaces (same length, so offsets hold): a PDF line break is not a paragraph.
  const flat = text.slice(start, end).replace(/\r?\n|\r/g, (m) => ' '.repeat(m.length));
  const raw: Span[] = [];
  for (const piece of segmenter.segment(flat)) {
    const from = piece.index;
    const to = from + piece.segment.length;
    raw.push({ start: from, end: to });
  }
  const merged: Span[] = [];
  for (const span of raw) {
    const prev = merged.at(-1);
    const before = prev ? flat.slice(prev.start, prev.end) : '';
    const piece = flat.slice(span.start, span.end);
    if (prev && isLabel(before) && !isLabel(piece) && !/^\d/.test(piece.trim())) {
      // A list label ("4.", "(b)") opening the paragraph is not part of the sentence after it.
      prev.start = span.start;
      prev.end = span.end;
    } else if (prev && mustJoin(before, piece)) {
      prev.end = span.end;
    } else {
      merged.push({ ...span });
    }
  }
  return merged.flatMap((s) => {
    const trimmed = trim(flat, s.start, s.end);
    return trimmed ? [{ start: start + trimmed.start, end: start + trimmed.end }] : [];
  });
}

/** The sentences of a text as strings (whitespace collapsed). */
export function sentences(text: string): string[] {
  return sentenceSpans(text).map((s) => text.slice(s.start, s.end).replace(/\s+/g, ' '));
}

const isLabel = (text: string) =>
  /^\(?[\p{L}\p{N}]{1,3}[.)]$/u.test(text.trim()) && !/^\p{Lu}\p{Ll}/u.test(text.trim());

function mustJoin(previous: string, next: string): boolean {
  const prev = previous.trimEnd();
  const following = next.trimStart();
  if (following === '') return true;
  // "3." / "(a)" / "17." alone: a list label or the number after "Fig." / "p.".
  if (/^(?:\(?[\p{L}\p{N}]{1,3}[.)]|\d+(?:\.\d+)*\.?)$/u.test(prev)) return true;
  if (/^(?:\d+(?:\.\d+)*[.)]?)$/.test(following)) return true;
  const lastWord = /(?:^|[\s(])([\p{L}.]+)\.$/u.exec(prev)?.[1];
  if (lastWord !== undefined) {
    const word = lastWord.toLowerCase();
    if (ABBREVIATIONS.has(word)) return true;
    // "e.g." / "i.e." / "U.S." written with inner periods.
    if (/^(?:\p{L}\.)+\p{L}$/u.test(lastWord)) return true;
    // An initial ("J. Smith"), but not a one-letter word that ends a sentence ("… of size n.").
    if (/^\p{Lu}$/u.test(lastWord) && /^\p{Lu}/u.test(following)) return true;
  }
  // "etc." ends a sentence only before a capital.
  if (/\betc\.$/i.test(prev) && !/^\p{Lu}/u.test(following)) return true;
  // The segmenter breaks before an opening bracket or quote it takes as a new sentence: "(see …)".
  if (/^[a-z]/.test(following) && !/[.!?]["'”’)\]]*$/.test(prev)) return true;
  return false;
}

function trim(text: string, start: number, end: number): Span | null {
  let a = start;
  let b = end;
  // Leading whitespace and bullets ("• ", "– ") are not part of the sentence.
  while (a < b && /[\s•◦▪‣∙·–—*-]/.test(text[a]!) && (text[a] !== '-' || /\s/.test(text[a + 1] ?? ''))) a++;
  while (b > a && /\s/.test(text[b - 1]!)) b--;
  return a < b ? { start: a, end: b } : null;
}
