/**
 * Citation markers in answers look like `[1]`, `[2][3]` or `[1, 2]`. These helpers find them in
 * plain text and, as a remark plugin, turn them into `cite` elements the markdown renderer shows
 * as chips. Markers inside code, math and links are left alone (those are not `text` nodes, or are
 * skipped).
 */
const MARKER = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;

export type MarkerPart = { kind: 'text'; value: string } | { kind: 'cite'; n: number };

export function splitCitationMarkers(text: string): MarkerPart[] {
  const parts: MarkerPart[] = [];
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    const start = match.index;
    if (start > last) parts.push({ kind: 'text', value: text.slice(last, start) });
    for (const n of (match[1] ?? '').split(',')) parts.push({ kind: 'cite', n: Number(n.trim()) });
    last = start + match[0].length;
  }
  if (last < text.length) parts.push({ kind: 'text', value: text.slice(last) });
  return parts;
}

interface MdNode {
  type: string;
  value?: string;
  children?: MdNode[];
  data?: Record<string, unknown>;
}

const SKIP = new Set(['link', 'linkReference', 'code', 'inlineCode', 'math', 'inlineMath', 'definition']);

function transform(node: MdNode): void {
  if (!node.children) return;
  const next: MdNode[] = [];
  let changed = false;
  for (const child of node.children) {
    if (child.type === 'text' && typeof child.value === 'string' && child.value.includes('[')) {
      const parts = splitCitationMarkers(child.value);
      if (parts.some((p) => p.kind === 'cite')) {
        changed = true;
        for (const part of parts) {
          next.push(
            part.kind === 'text'
              ? { type: 'text', value: part.value }
              : {
                  type: 'citationMarker',
                  data: { hName: 'cite', hProperties: { dataN: part.n } },
                  children: [{ type: 'text', value: String(part.n) }],
                },
          );
        }
        continue;
      }
    }
    if (!SKIP.has(child.type)) transform(child);
    next.push(child);
  }
  if (changed) node.children = next;
}

/** remark plugin: `[n]` markers → `<cite data-n="n">n</cite>` (rendered as CitationChip). */
export function remarkCitations() {
  return (tree: unknown) => transform(tree as MdNode);
}
