import { isStopWord, tokens } from './terms.js';

/**
 * What one line of PDF or plain text is. PDF.js gives text line by line with no layout marks, so
 * code, headings, running headers and table-of-contents lines are told apart from prose by their
 * shape.
 */
export type LineKind = 'blank' | 'junk' | 'code' | 'heading' | 'text';

/**
 * Dot leaders of a table of contents or an index ("Vectors . . . . . 12", "Vectors........12"). Three
 * spaced dots are an ellipsis in prose ("numbered %1, %2, . . . including"), not a leader.
 */
const DOT_LEADER = /(?:\.\s?){4,}|…{2,}/;
/** A line that is only a page number or label ("12", "- 12 -", "xiv", "Page 3 of 10"). */
const PAGE_NUMBER = /^(?:[-–—]?\s*\d{1,4}\s*[-–—]?|[ivxlcdm]{1,7}|page\s+\d+(?:\s+of\s+\d+)?)$/i;
/**
 * Shell, R, Python, Octave, PARI/GP (`? `), Maxima (`(%i1)`, `(C1)`) and gnuplot prompts, and R's output
 * index (`[1] "arrests"`), at the start of a line.
 */
const PROMPT =
  /^(?:[$%]\s|>{1,3}\s|\+\s|\?\s|octave:\d+>|gnuplot>|R>|In \[\d+\]:|#\s*[$>]|\[\d+\]\s|\(%?[ioCD]\d+\)|[A-Z]+>\s)/;
const OPERATORS = /<-|->|:=|==|!=|<=|>=|\+\+|&&|\|\||::|=>|\+=|-=|\*=|\/=|\bfunction\s*\(|^\s*#include\b/;
const SYMBOLS = /[(){}[\];=<>*/+^&|\\$%@~#]/g;

/** Whether a line reads as code rather than prose. */
export function looksLikeCode(line: string): boolean {
  const text = line.trim();
  if (text.length === 0) return false;
  if (PROMPT.test(text)) return true;
  const words = tokens(text);
  const stop = words.filter((w) => isStopWord(w) && w.length > 1).length;
  const prose = stop >= 2 && stop / Math.max(1, words.length) >= 0.15;
  if (/[;{}]\s*$/.test(text) && !/[.!?]["')]*\s*;?$/.test(text) && stop <= 2) return true;
  // A sentence end with words and no assignment or statement syntax is prose: "(see [x], page 42)."
  if (/[.!?]["'”’)\]]*$/.test(text) && words.length >= 3 && !/[=;{}]|<-/.test(text)) return false;
  if (/^[}\])]/.test(text)) return true;
  if (OPERATORS.test(text) && !prose) return true;
  // A whole-line call or assignment: `summary(x)`, `fill(opic,g,p);`, `x = 3`.
  if (/^[\p{L}_.$][\p{L}\p{N}_.$]*(?:\[[^\]]*\])?\s*\(.*\)\s*;?$/u.test(text) && !prose) return true;
  if (/^[\p{L}_.$][\p{L}\p{N}_.$[\]]*\s*=\s*\S/u.test(text) && !prose && words.length <= 8) return true;
  // A call or declaration broken over lines: `frame legend(picture pic=currentpicture, int perline=1,`.
  if (/[\p{L}_]\(/u.test(text) && /=|,$|\($/.test(text) && unbalanced(text) && !prose) return true;
  const symbols = (text.match(SYMBOLS) ?? []).length;
  const density = symbols / text.replace(/\s/g, '').length;
  return density > 0.1 && !prose;
}

function unbalanced(text: string): boolean {
  return (text.match(/\(/g) ?? []).length !== (text.match(/\)/g) ?? []).length;
}

/** Whether a line is a table-of-contents/index line, a bare page number or similar non-text. */
export function isJunkLine(line: string, code = looksLikeCode(line)): boolean {
  const text = line.trim();
  if (text.length === 0) return false;
  if (DOT_LEADER.test(text)) return true;
  if (PAGE_NUMBER.test(text)) return true;
  // No letters at all (a row of numbers or rules), unless it is code.
  return !/\p{L}/u.test(text) && !code;
}

/** A numbered or chapter heading: "2.5 Missing values", "Chapter 6 Lists", "Appendix B Invoking R". */
const NUMBERED_HEADING =
  /^(?:(?:chapter|part|appendix|section|lecture|unit|lesson)\s+[\dA-Z]+[.:]?|\d+(?:\.\d+)*\.?|[A-Z]\.\d+(?:\.\d+)*)\s+\p{L}/iu;

/** Whether a line has a heading's shape (short, no end punctuation, capitalised or numbered). */
export function looksLikeHeading(line: string, code?: boolean): boolean {
  const text = line.trim();
  if (text.length === 0 || text.length > 80) return false;
  if (/[.,;:!?]$/.test(text) || (code ?? looksLikeCode(text))) return false;
  const words = text.split(/\s+/);
  if (words.length > 10) return false;
  if (NUMBERED_HEADING.test(text)) return true;
  // Title-like: starts with a capital and most long words are capitalised.
  if (!/^\p{Lu}/u.test(text)) return false;
  const long = words.filter((w) => w.length > 3);
  const capitalised = long.filter((w) => /^\p{Lu}/u.test(w)).length;
  return words.length <= 6 && (long.length === 0 || capitalised / long.length >= 0.5);
}

/** Whether a line is a running page header or footer: a page number beside a short title. */
export function looksLikeRunningHeader(line: string): boolean {
  const text = line.trim();
  if (text.length === 0 || text.length > 100 || /[.!?;]$/.test(text)) return false;
  return /^\d{1,4}\s+\S/.test(text) || /\S\s+\d{1,4}$/.test(text) || /^page\s+\d+/i.test(text);
}

/** A line's text with digits masked, to find the same header on different pages. */
export function headerKey(line: string): string {
  return line.trim().toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ');
}
