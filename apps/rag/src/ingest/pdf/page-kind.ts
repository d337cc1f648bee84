import type { PageKind } from '@classchat/contracts';

/**
 * Whether a page is a table of contents or an index rather than body text, from its lines (running
 * headers and footers removed). Contents and index entries end in page numbers, usually after dot
 * leaders; contents page numbers mostly increase down the page, an index's entries list several
 * numbers separated by commas. Such pages stay searchable, but retrieval ranks them down.
 */

const LEADER = /(?:\.\s?){3,}\s*(?:\d{1,4}|[ivxlc]{1,6})\s*$|…{2,}\s*\d{1,4}\s*$/i;
const TRAILING_NUMBER = /\S\s+(\d{1,4}|[ivxlc]{1,6})\s*$/i;
const NUMBER_ONLY = /^\s*(?:\d{1,4}|[ivxlc]{1,6})\s*$/i;
const COMMA_NUMBERS = /,\s*\d{1,4}(?:\s*[-–]\s*\d{1,4})?\s*$/;
const CONTENTS_TITLE = /^(?:table of )?contents$|^inhalt(?:sverzeichnis)?$|^table des matières$|^índice$/i;
const INDEX_TITLE = /^(?:[\p{L}-]+\s+)?index$/iu;

const MIN_LINES = 4;

export function classifyPage(lines: readonly string[], page: number, pageCount: number): PageKind {
  const texts = lines.map((l) => l.trim()).filter((l) => l.length > 0);
  if (texts.length < MIN_LINES) return 'body';
  let leaders = 0;
  let numbered = 0;
  let commas = 0;
  const numbers: number[] = [];
  for (const text of texts) {
    if (LEADER.test(text)) leaders++;
    if (COMMA_NUMBERS.test(text)) commas++;
    const trailing = TRAILING_NUMBER.exec(text) ?? NUMBER_ONLY.exec(text);
    if (trailing) {
      numbered++;
      const n = Number(trailing[1] ?? trailing[0]);
      if (Number.isFinite(n)) numbers.push(n);
    }
  }
  const share = (n: number) => n / texts.length;
  const titled = (re: RegExp) => texts.slice(0, 3).some((t) => re.test(t));

  if (share(commas) >= 0.3 || (titled(INDEX_TITLE) && share(numbered) >= 0.3)) return 'index';
  const increasing = numbers.length > 1 ? risingShare(numbers) : 0;
  const plausible = numbers.every((n) => n <= pageCount * 2 + 50);
  const contentsLike =
    share(leaders) >= 0.3 ||
    (titled(CONTENTS_TITLE) && share(numbered) >= 0.3) ||
    (share(numbered) >= 0.6 && increasing >= 0.8 && plausible);
  if (!contentsLike) return 'body';
  // Leader-dotted pages late in a document are its index (some typesetters set both alike).
  return page > pageCount * 0.6 && !titled(CONTENTS_TITLE) ? 'index' : 'toc';
}

/** Share of consecutive numbers that do not decrease. */
function risingShare(numbers: readonly number[]): number {
  let rising = 0;
  for (let i = 1; i < numbers.length; i++) if (numbers[i]! >= numbers[i - 1]!) rising++;
  return rising / (numbers.length - 1);
}
