import type { Nodes, Root, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { headerKey, isJunkLine, looksLikeCode, looksLikeHeading, looksLikeRunningHeader } from './lines.js';

/**
 * A passage's text as blocks: paragraphs of prose, code (examples, signatures, console sessions) and
 * headings, each `[start, end)` in the passage text. Junk (running headers, page numbers, dot-leader
 * lines) belongs to no block.
 */
export type BlockKind = 'prose' | 'code' | 'heading';

export interface Block {
  kind: BlockKind;
  start: number;
  end: number;
  /** Code: its lines as written; heading: its title. */
  text?: string;
  /** Code: the fence language when the source says it (Markdown). */
  lang?: string | null;
}

export type SourceFormat = 'markdown' | 'text';

export interface BlockOptions {
  /** Lines seen on several pages (by `headerKey`): running headers and footers. */
  repeatedLines?: ReadonlySet<string>;
  /** The passage starts at the top of its page (its first line may be a running header). */
  startsPage?: boolean;
}

export function blocksOf(text: string, format: SourceFormat, options: BlockOptions = {}): Block[] {
  return format === 'markdown' ? markdownBlocks(text) : textBlocks(text, options);
}

interface Line {
  start: number;
  end: number;
  text: string;
  kind: 'blank' | 'junk' | 'code' | 'heading' | 'text';
}

/** The lines of a text with their offsets (without the line break). */
export function linesOf(text: string): Array<{ start: number; end: number; text: string }> {
  const out: Array<{ start: number; end: number; text: string }> = [];
  let start = 0;
  for (const m of text.matchAll(/\r?\n|\r/g)) {
    out.push({ start, end: m.index, text: text.slice(start, m.index) });
    start = m.index + m[0].length;
  }
  out.push({ start, end: text.length, text: text.slice(start) });
  return out;
}

function classify(text: string, options: BlockOptions): Line[] {
  const raw = linesOf(text);
  const lines: Line[] = raw.map((l) => ({ ...l, kind: 'text' }));
  const lastNonBlank = raw.findLastIndex((l) => l.text.trim() !== '');
  const firstNonBlank = raw.findIndex((l) => l.text.trim() !== '');
  let prev: Line | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.text.trim();
    if (t === '') {
      line.kind = 'blank';
      continue;
    }
    const code = looksLikeCode(t);
    if (isJunkLine(t, code) || options.repeatedLines?.has(headerKey(t))) line.kind = 'junk';
    else if (
      ((i === firstNonBlank && options.startsPage) || i === lastNonBlank) &&
      looksLikeRunningHeader(t) &&
      !code &&
      // "1 Vectors" opening a page is a chapter heading; a header that repeats is caught above.
      !looksLikeHeading(t, code)
    )
      line.kind = 'junk';
    else if (code || (prev?.kind === 'code' && continuesCode(prev.text, t))) line.kind = 'code';
    else if (looksLikeHeading(t, code) && (!prev || prev.kind !== 'text' || endsSentence(prev.text)))
      line.kind = 'heading';
    prev = line;
  }
  wordlessLinesInCode(lines);
  // A "heading" followed by a lowercase continuation was the start of a sentence.
  let next: Line | undefined;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (line.kind === 'blank') continue;
    if (line.kind === 'heading' && next?.kind === 'text' && /^[a-z(]/.test(next.text.trim()))
      line.kind = 'text';
    next = line;
  }
  return lines;
}

/**
 * A line with no words between two code lines of one block (no blank line between) is code too: the
 * exponent line of a formula a console printed as ASCII art ("x 3 2" above "x + x", "6 x y" that
 * reads like a numbered heading), a lone result. Read as prose or a heading, it would split the
 * example in two and cut the sentence that introduced it from it.
 */
function wordlessLinesInCode(lines: Line[]): void {
  const neighbour = (i: number, step: 1 | -1): Line | undefined => {
    for (let j = i + step; j >= 0 && j < lines.length; j += step) {
      const l = lines[j]!;
      if (l.kind === 'blank') return undefined;
      if (l.kind !== 'junk') return l;
    }
    return undefined;
  };
  lines.forEach((line, i) => {
    if (line.kind === 'code' || line.kind === 'blank' || line.kind === 'junk') return;
    if ((line.text.match(/\p{L}{3,}/gu) ?? []).length > 0) return;
    if (neighbour(i, -1)?.kind === 'code' && neighbour(i, 1)?.kind === 'code') line.kind = 'code';
  });
}

function continuesCode(previous: string, line: string): boolean {
  const prev = previous.trimEnd();
  const open = (prev.match(/[([{]/g) ?? []).length - (prev.match(/[)\]}]/g) ?? []).length;
  return open > 0 || /[,(\\+\-*/=&|]$/.test(prev) || /^\s{2,}\S/.test(line);
}

const endsSentence = (line: string) => /[.!?:]["'”’)\]]*\s*$/.test(line.trim());

function textBlocks(text: string, options: BlockOptions): Block[] {
  const lines = classify(text, options);
  const textLengths = lines.filter((l) => l.kind === 'text').map((l) => l.text.trim().length);
  const fullLine = Math.max(40, ...textLengths);
  const blocks: Block[] = [];
  const state: { open: Block | null } = { open: null };
  const close = () => {
    if (state.open) blocks.push(state.open);
    state.open = null;
  };
  for (const line of lines) {
    if (line.kind === 'blank' || line.kind === 'junk') {
      // A blank line ends a paragraph; junk (a header between pages) does not.
      if (line.kind === 'blank') close();
      continue;
    }
    if (line.kind === 'heading') {
      close();
      blocks.push({ kind: 'heading', start: line.start, end: line.end, text: line.text.trim() });
      continue;
    }
    const kind = line.kind === 'code' ? 'code' : 'prose';
    if (state.open && state.open.kind !== kind) close();
    if (!state.open) state.open = { kind, start: line.start, end: line.end };
    else state.open.end = line.end;
    // A short last line that ends a sentence ends its paragraph.
    if (kind === 'prose' && endsSentence(line.text) && line.text.trim().length < fullLine * 0.75) close();
  }
  close();
  const withExamples = examplesAfterColons(text, blocks);
  for (const b of withExamples) if (b.kind === 'code') b.text = codeText(text, b, lines);
  return withExamples;
}

/**
 * A short paragraph without a sentence in it right after a paragraph that ends with a colon
 * ("Error messages should look like this:" then "sourcefile:lineno: message") is the example it
 * announces, set in the body font: it is read as code, so it goes with the sentence that announces it.
 */
export function examplesAfterColons(text: string, blocks: readonly Block[]): Block[] {
  return blocks.map((b, i) => {
    const before = blocks[i - 1];
    if (b.kind !== 'prose' || before?.kind !== 'prose') return b;
    if (!/:\s*$/.test(text.slice(before.start, before.end))) return b;
    const own = text.slice(b.start, b.end);
    const lines = own.split('\n').filter((l) => l.trim() !== '');
    const sentence = /\p{L}{2,}[.!?]["'”’)\]]*(?:\s|$)/u.test(own);
    if (lines.length > 4 || own.length > 400 || sentence) return b;
    return { ...b, kind: 'code' };
  });
}

/** The code lines of a block as written, junk lines (a header in the middle) left out. */
function codeText(text: string, block: Block, lines: readonly Line[]): string {
  return lines
    .filter((l) => l.start >= block.start && l.end <= block.end && l.kind !== 'junk')
    .map((l) => l.text.replace(/\s+$/, ''))
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

function markdownBlocks(text: string): Block[] {
  let tree: Root;
  try {
    tree = fromMarkdown(text);
  } catch {
    return textBlocks(text, {});
  }
  const blocks: Block[] = [];
  const visit = (node: RootContent) => {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start === undefined || end === undefined) return;
    // Tables, HTML, rules and definitions hold no sentences to quote.
    if (node.type === 'heading') blocks.push({ kind: 'heading', start, end, text: plainText(node) });
    else if (node.type === 'code')
      blocks.push({ kind: 'code', start, end, text: node.value, lang: node.lang ?? null });
    else if (node.type === 'paragraph') blocks.push({ kind: 'prose', start, end });
    else if (node.type === 'list' || node.type === 'listItem' || node.type === 'blockquote') {
      for (const child of node.children) visit(child);
    }
  };
  for (const child of tree.children) visit(child);
  return blocks;
}

/** The text of a Markdown node without its syntax. */
export function plainText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(plainText).join('');
  return '';
}
