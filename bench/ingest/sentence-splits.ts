/**
 * Sentences cut across blocks: where a document's reading structure ends a block in mid-sentence
 * and the next block carries the rest, a quote or an offline answer built from one block holds half
 * a sentence. Counted between consecutive blocks of body pages (a block boundary inside a contents
 * or index page is not a sentence's), by what cuts the sentence. Pure.
 *
 * - `paragraph`: a paragraph not ending in closing punctuation, then a paragraph going on in lower
 *   case or with punctuation (", …", ") …").
 * - `inlineCode`: a paragraph not ending in closing punctuation, then one short fixed-pitch line (a
 *   command or name set on its own line), then prose that goes on (lower case or punctuation), or
 *   the fixed-pitch line itself closes the sentence (ends in `.`).
 * - `afterCode`: a code block of several lines, then a paragraph going on in lower case after a
 *   paragraph that led into the code ("… is called as" / code / "where x is …"). Reported, not a
 *   defect: a listing stays a block of its own.
 */

export interface SplitBlock {
  kind: 'heading' | 'paragraph' | 'lines';
  page: number;
  text: string;
}

export type SplitKind = 'paragraph' | 'inlineCode' | 'afterCode';

export interface SentenceSplit {
  kind: SplitKind;
  /** Index of the block the sentence starts in. */
  block: number;
  page: number;
  /** The end of the first block and the start of the next (and of the one after it, for code). */
  example: string;
}

const ENDED = /[.!?:;]["'”’)\]]*$/;
const GOES_ON = /^(?:\p{Ll}|[,;)\]])/u;
const lineCount = (text: string) => text.split('\n').filter((l) => l.trim().length > 0).length;
const tail = (text: string) => text.slice(-60).replace(/\s+/g, ' ');
const head = (text: string) => text.slice(0, 60).replace(/\s+/g, ' ');

export function sentenceSplits(blocks: readonly SplitBlock[], pageKinds: readonly string[]): SentenceSplit[] {
  const splits: SentenceSplit[] = [];
  const body = (b: SplitBlock | undefined) => b !== undefined && pageKinds[b.page - 1] === 'body';
  for (let i = 0; i + 1 < blocks.length; i++) {
    const a = blocks[i]!;
    const b = blocks[i + 1]!;
    const c = blocks[i + 2];
    if (!body(a) || !body(b) || a.kind !== 'paragraph' || ENDED.test(a.text.trimEnd())) continue;
    const at = { block: i, page: a.page };
    if (b.kind === 'paragraph' && GOES_ON.test(b.text)) {
      splits.push({ kind: 'paragraph', ...at, example: `${tail(a.text)} ‖ ${head(b.text)}` });
    } else if (b.kind === 'lines') {
      const short = lineCount(b.text) === 1;
      const cGoesOn = c !== undefined && body(c) && c.kind === 'paragraph' && GOES_ON.test(c.text);
      const closes = /[.,;]$/.test(b.text.trimEnd());
      if (short && (cGoesOn || closes)) {
        const next = c ? ` ‖ ${head(c.text)}` : '';
        splits.push({ kind: 'inlineCode', ...at, example: `${tail(a.text)} ‖ ${b.text.trim()}${next}` });
      } else if (!short && cGoesOn) {
        splits.push({ kind: 'afterCode', ...at, example: `${tail(a.text)} ‖ [code] ‖ ${head(c.text)}` });
      }
    }
  }
  return splits;
}

/** Counts by kind. */
export function countSplits(splits: readonly SentenceSplit[]): Record<SplitKind, number> {
  const counts: Record<SplitKind, number> = { paragraph: 0, inlineCode: 0, afterCode: 0 };
  for (const s of splits) counts[s.kind] += 1;
  return counts;
}
