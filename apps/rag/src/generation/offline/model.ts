import type { ChunkHit } from '@classchat/db';
import { blocksOf, linesOf, type Block, type SourceFormat } from './blocks.js';
import { headerKey } from './lines.js';
import { sentenceSpans, type Span } from './sentences.js';
import { termsOf } from './terms.js';

/**
 * The passages an offline answer is made from, read into sentences: each sentence knows where it
 * sits (passage, paragraph, offsets), what it says (terms), what follows it (a code example) and
 * under which heading it stands. Pure.
 */

/** A retrieved chunk: what the engine reads of a search hit. */
export type OfflinePassage = Pick<
  ChunkHit,
  | 'chunkId'
  | 'documentId'
  | 'fileName'
  | 'chunkIndex'
  | 'pageStart'
  | 'pageEnd'
  | 'charStart'
  | 'charEnd'
  | 'text'
  | 'sectionPath'
  | 'sectionPageStart'
  | 'sectionPageEnd'
  | 'pageKind'
  | 'sourceMap'
>;

export interface CodeExample {
  start: number;
  end: number;
  text: string;
  lang: string | null;
}

/** A piece of a sentence as shown: prose, or a line of code the sentence runs through. */
export interface Segment {
  code: boolean;
  text: string;
}

export interface Sentence {
  /** Index in `Corpus.sentences`. */
  id: number;
  /** Index of its passage in `Corpus.passages` (retrieval order: 0 is the best hit). */
  passage: number;
  /** Offsets in the passage text. */
  start: number;
  end: number;
  /** One line, as a reader sees it: whitespace collapsed, words hyphenated at line ends joined. */
  text: string;
  /** How to show it: one prose segment, or prose around the code it runs through. */
  segments: Segment[];
  /** The passage is Markdown: prose segments are Markdown source. */
  markdown: boolean;
  terms: string[];
  termSet: ReadonlySet<string>;
  /** Paragraph number (unique across the corpus) and position in it. */
  paragraph: number;
  indexInParagraph: number;
  lastInParagraph: boolean;
  /** The example its paragraph introduces (on the paragraph's last sentence). */
  code: CodeExample | null;
  /** The signature or example right above its paragraph (on the paragraph's first sentence). */
  codeBefore: CodeExample | null;
  /** The nearest heading above it in the passage, else its section's title. */
  heading: string | null;
  /** Cut by the chunk's start or end: not a whole sentence. */
  fragment: boolean;
  words: number;
}

export interface Corpus {
  passages: readonly OfflinePassage[];
  sentences: Sentence[];
  /** Headings found inside each passage's text, by passage index. */
  headings: string[][];
}

export function formatOf(fileName: string): SourceFormat {
  return /\.(?:md|markdown)$/i.test(fileName) ? 'markdown' : 'text';
}

/**
 * Lines that open or close passages on two or more different pages (digits ignored): running headers
 * and footers the ingestion left in the text.
 */
export function repeatedEdgeLines(passages: readonly OfflinePassage[]): Set<string> {
  const pagesByKey = new Map<string, Set<string>>();
  for (const p of passages) {
    const lines = linesOf(p.text)
      .map((l) => l.text.trim())
      .filter((t) => t !== '');
    for (const line of [...lines.slice(0, 2), ...lines.slice(-2)]) {
      if (line.length > 100 || /[.!?;]$/.test(line)) continue;
      const key = headerKey(line);
      const pages = pagesByKey.get(key) ?? new Set<string>();
      pages.add(`${p.documentId}:${p.pageStart}`);
      pagesByKey.set(key, pages);
    }
  }
  return new Set(
    [...pagesByKey].filter(([key, pages]) => pages.size >= 2 && key.length > 2).map(([key]) => key),
  );
}

export function readCorpus(passages: readonly OfflinePassage[]): Corpus {
  const repeatedLines = repeatedEdgeLines(passages);
  const into = { sentences: [] as Sentence[], paragraph: 0 };
  const headings = passages.map((p, pi) => readPassage(p, pi, repeatedLines, into));
  return { passages, sentences: into.sentences, headings };
}

/** A passage read into blocks, with what its sentences need to know of them. */
interface PassageReading {
  passage: OfflinePassage;
  /** Its index in the corpus. */
  index: number;
  markdown: boolean;
  blocks: readonly Block[];
  links: CodeLinks;
  /** Its first and last prose block. */
  first: number;
  last: number;
}

/** One paragraph of a passage: a prose block's own sentences and the heading above them. */
interface ParagraphAt {
  block: number;
  spans: readonly Span[];
  heading: string | null;
  /** Its number, unique across the corpus. */
  number: number;
}

/**
 * Reads a passage's sentences into `into`, numbering its paragraphs on from `into.paragraph`;
 * answers the headings found in its text.
 */
function readPassage(
  p: OfflinePassage,
  pi: number,
  repeatedLines: ReadonlySet<string>,
  into: { sentences: Sentence[]; paragraph: number },
): string[] {
  const format = formatOf(p.fileName);
  const blocks = blocksOf(p.text, format, { repeatedLines, startsPage: p.charStart === 0 });
  const spans = blocks.map((b) => (b.kind === 'prose' ? sentenceSpans(p.text, b.start, b.end) : []));
  const reading: PassageReading = {
    passage: p,
    index: pi,
    markdown: format === 'markdown',
    blocks,
    links: linkCode(p.text, blocks, spans),
    first: blocks.findIndex((b) => b.kind === 'prose'),
    last: blocks.findLastIndex((b) => b.kind === 'prose'),
  };
  const found: string[] = [];
  let heading: string | null = p.sectionPath.at(-1) ?? null;
  blocks.forEach((block, bi) => {
    if (block.kind === 'heading') {
      heading = block.text ?? heading;
      if (block.text) found.push(block.text);
      return;
    }
    if (block.kind !== 'prose') return;
    const own = spans[bi]!.slice(reading.links.continued.has(bi) ? 1 : 0);
    if (own.length === 0) return;
    into.paragraph += 1;
    const paragraph: ParagraphAt = { block: bi, spans: own, heading, number: into.paragraph };
    own.forEach((_, si) => into.sentences.push(sentenceOf(reading, paragraph, si, into.sentences.length)));
  });
  return found;
}

/** Sentence `si` of a paragraph, as sentence `id` of the corpus. */
function sentenceOf(r: PassageReading, paragraph: ParagraphAt, si: number, id: number): Sentence {
  const bi = paragraph.block;
  const span = paragraph.spans[si]!;
  const lastInParagraph = si === paragraph.spans.length - 1;
  const merged = lastInParagraph ? r.links.merged.get(bi) : undefined;
  const segments = segmentsOf(r.passage.text, span, merged);
  const text = segments.map((g) => g.text).join(' ');
  const terms = termsOf(text);
  return {
    id,
    passage: r.index,
    start: span.start,
    end: merged?.end ?? span.end,
    text,
    segments,
    markdown: r.markdown,
    terms,
    termSet: new Set(terms),
    paragraph: paragraph.number,
    indexInParagraph: si,
    lastInParagraph,
    code: lastInParagraph ? (r.links.after.get(bi) ?? null) : null,
    codeBefore: si === 0 ? (r.links.before.get(bi) ?? null) : null,
    heading: paragraph.heading,
    fragment: isFragment(r, bi, si, lastInParagraph && !merged, text),
    words: text.split(/\s+/).length,
  };
}

/** A sentence as shown: its own text, or its text, the code it runs through and its rest. */
function segmentsOf(text: string, span: Span, merged: MergedCode | undefined): Segment[] {
  const own = { code: false, text: displayText(text.slice(span.start, span.end)) };
  if (!merged) return [own];
  return [
    own,
    { code: true, text: merged.code },
    { code: false, text: displayText(text.slice(merged.resume, merged.end)) },
  ];
}

/**
 * Not a whole sentence: cut by the chunk's start (it opens the passage in lowercase or on a comma)
 * or end (it closes the passage unfinished), or a clause going on after code that split it.
 */
function isFragment(
  r: PassageReading,
  bi: number,
  si: number,
  endsParagraph: boolean,
  text: string,
): boolean {
  const continued = r.links.continued.has(bi);
  const opensPassage = bi === r.first && si === 0 && !continued;
  // The passage's last prose block: no prose follows it.
  const closesPassage = bi === r.last && endsParagraph;
  return (
    (opensPassage && r.passage.charStart > 0 && /^[\p{Ll},;)]/u.test(text)) ||
    (closesPassage && !endsWell(text)) ||
    (!continued && si === 0 && precededByCode(r.blocks, bi) && /^\p{Ll}/u.test(text))
  );
}

const endsWell = (text: string) => /[.!?:]["'”’)\]]*$/.test(text);
const precededByCode = (blocks: readonly Block[], bi: number) => blocks[bi - 1]?.kind === 'code';

/** Code short enough to show inside the sentence that runs through it. */
const INLINE_CODE_MAX = 160;

/** Short code a sentence runs through, and where the sentence resumes after it and ends. */
interface MergedCode {
  code: string;
  resume: number;
  end: number;
}

interface CodeLinks {
  /** Prose block → the example after it. */
  after: Map<number, CodeExample>;
  /** Prose block → the signature or example above it. */
  before: Map<number, CodeExample>;
  /** Prose block whose last sentence runs through code into the next block's first sentence. */
  merged: Map<number, MergedCode>;
  /** Prose blocks whose first sentence was merged into the previous block's last one. */
  continued: Set<number>;
}

/**
 * Which sentence a code block belongs to. Code between two paragraphs goes with the one before it
 * when that one is unfinished (no end punctuation, a colon), announces an example, or the next one
 * leans back on it ("This is an assignment…"); otherwise it is the signature the next paragraph
 * describes (the style of reference manuals). A sentence that runs through short code and goes on in
 * lowercase after it ("The routine `void filloutside(…)` fills the region…") becomes one sentence.
 */
function linkCode(text: string, blocks: readonly Block[], spans: readonly Span[][]): CodeLinks {
  const links: CodeLinks = { after: new Map(), before: new Map(), merged: new Map(), continued: new Set() };
  blocks.forEach((block, ci) => {
    if (block.kind !== 'code') return;
    const code = codeExample(block);
    if (!code) return;
    const pi = blocks[ci - 1]?.kind === 'prose' ? ci - 1 : -1;
    const ni = blocks[ci + 1]?.kind === 'prose' ? ci + 1 : -1;
    const prevLast = pi >= 0 ? spans[pi]!.at(-1) : undefined;
    const nextFirst = ni >= 0 ? spans[ni]![0] : undefined;
    const prevText = prevLast ? text.slice(prevLast.start, prevLast.end).trim() : '';
    const nextText = nextFirst ? text.slice(nextFirst.start, nextFirst.end).trim() : '';
    const unfinished = prevLast !== undefined && !/[.!?]["'”’)\]]*$/.test(prevText);
    if (unfinished && nextFirst && /^\p{Ll}/u.test(nextText) && code.text.length <= INLINE_CODE_MAX) {
      links.merged.set(pi, {
        code: code.text.replace(/\s*\n\s*/g, ' '),
        resume: nextFirst.start,
        end: nextFirst.end,
      });
      links.continued.add(ni);
      return;
    }
    const announces =
      /:$|\b(?:for example|for instance|e\.g\.|example|following|as follows|like this)\b/i.test(prevText);
    const leansBack = /^(?:this|that|these|here|the (?:above|result|output|command|example))\b/i.test(
      nextText,
    );
    if (prevLast && (unfinished || announces || leansBack || !nextFirst)) links.after.set(pi, code);
    else if (nextFirst) links.before.set(ni, code);
  });
  return links;
}

function codeExample(block: Block): CodeExample | null {
  const text = block.text ?? '';
  if (text.trim() === '') return null;
  return { start: block.start, end: block.end, text, lang: block.lang ?? null };
}

/** One line as a reader sees it: "corre-\nsponding" → "corresponding", whitespace runs → one space. */
export function displayText(raw: string): string {
  return raw
    .replace(/(\p{Ll})-\s*\n\s*(\p{Ll})/gu, '$1$2')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Paragraph siblings of a sentence, in order. */
export function paragraphOf(corpus: Corpus, s: Sentence): Sentence[] {
  const out: Sentence[] = [];
  for (let i = s.id - s.indexInParagraph; i < corpus.sentences.length; i++) {
    const t = corpus.sentences[i]!;
    if (t.paragraph !== s.paragraph) break;
    out.push(t);
  }
  return out;
}

/** A sentence's normalised text, to find the same sentence in two overlapping chunks. */
export function sentenceKey(s: Pick<Sentence, 'text'>): string {
  return s.text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
