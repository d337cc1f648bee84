import type { BlockContent, Blockquote, Paragraph, PhrasingContent, Root, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { toMarkdown } from 'mdast-util-to-markdown';
import { marker } from './cite.js';

/**
 * Offline answers are built as a Markdown syntax tree and serialised once, so quoted source text can
 * never turn into Markdown by accident: a PDF's `*`, `_`, `[1]` or `<` is escaped as text, a code
 * example is a fenced block (fence chosen longer than any backtick run inside), and a quote from a
 * Markdown file keeps its own emphasis, links and inline code.
 */

/** Inline content of one quoted sentence: plain text, or the sentence's own Markdown. */
export function quoteInline(text: string, markdown: boolean): PhrasingContent[] {
  if (!markdown) return [{ type: 'text', value: text }];
  const tree = fromMarkdown(text);
  const first = tree.children[0];
  if (tree.children.length === 1 && first?.type === 'paragraph') return first.children;
  return [{ type: 'text', value: text }];
}

/** A sentence as shown: its prose (plain or Markdown) and the code it runs through, inline. */
export function sentenceInline(s: {
  segments: readonly { code: boolean; text: string }[];
  markdown: boolean;
}): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  s.segments.forEach((g, i) => {
    if (i > 0) out.push(text(' '));
    out.push(
      ...(g.code ? [{ type: 'inlineCode' as const, value: g.text }] : quoteInline(g.text, s.markdown)),
    );
  });
  return out;
}

export const text = (value: string): PhrasingContent => ({ type: 'text', value });
export const strong = (value: string): PhrasingContent => ({ type: 'strong', children: [text(value)] });
export const emphasis = (children: PhrasingContent[]): PhrasingContent => ({ type: 'emphasis', children });
export const cited = (n: number): PhrasingContent => text(marker(n));

export const paragraph = (children: PhrasingContent[]): Paragraph => ({ type: 'paragraph', children });
export const blockquote = (children: BlockContent[]): Blockquote => ({ type: 'blockquote', children });

export function codeBlock(value: string, lang: string | null = null): BlockContent {
  return { type: 'code', lang, value };
}

export function heading(depth: 1 | 2 | 3 | 4, children: PhrasingContent[]): RootContent {
  return { type: 'heading', depth, children };
}

export function list(items: BlockContent[][], ordered = false): RootContent {
  return {
    type: 'list',
    ordered,
    spread: false,
    children: items.map((children) => ({ type: 'listItem', spread: false, children })),
  };
}

/** The Markdown of a tree; the lenticular citation markers pass through untouched. */
export function serialize(children: RootContent[]): string {
  const root: Root = { type: 'root', children };
  return toMarkdown(root, { bullet: '-', emphasis: '_', fence: '`', fences: true, rule: '-' }).trimEnd();
}

/** "p. 3" / "pp. 3–5". */
export function pagesLabel(start: number, end: number): string {
  return end > start ? `pp. ${start}–${end}` : `p. ${start}`;
}
