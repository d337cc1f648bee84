import { markerPattern, parseMarkerGroup, type MarkerStyle } from '@classchat/contracts';

/**
 * Citation markers in answers are `【n】` (or `【1, 2】`); answers saved before those existed wrote
 * `[n]`. The marker patterns are the contracts' (the ones rag and the api renumber with). These
 * helpers find markers in plain text and, as a remark plugin, turn them into `cite` elements the
 * markdown renderer shows as chips. Markers inside code, math and links are left alone (those are not
 * `text` nodes, or are skipped), except markers a bare URL swallowed. Square brackets quoted from a
 * source (`[1] "arrests"`, `a[2]`) are never chips in a `【n】` answer.
 */

export type MarkerPart = { kind: 'text'; value: string } | { kind: 'cite'; n: number };

export interface MarkerOptions {
  style: MarkerStyle;
  /**
   * Which numbers may become chips. Old `[n]` answers only chip numbers their citations explain, so
   * a bracket that was never a marker stays text.
   */
  accepts?: (n: number) => boolean;
}

export function splitCitationMarkers(text: string, options: MarkerOptions): MarkerPart[] {
  const parts: MarkerPart[] = [];
  let last = 0;
  for (const match of text.matchAll(markerPattern(options.style))) {
    const numbers = parseMarkerGroup(match[1] ?? '');
    if (!numbers || numbers.length === 0 || !numbers.every((n) => options.accepts?.(n) ?? true)) continue;
    const start = match.index;
    if (start > last) parts.push({ kind: 'text', value: text.slice(last, start) });
    for (const n of numbers) parts.push({ kind: 'cite', n });
    last = start + match[0].length;
  }
  if (last < text.length) parts.push({ kind: 'text', value: text.slice(last) });
  return parts;
}

interface MdNode {
  type: string;
  value?: string;
  url?: string;
  children?: MdNode[];
  data?: Record<string, unknown>;
}

const citeNode = (n: number): MdNode => ({
  type: 'citationMarker',
  data: { hName: 'cite', hProperties: { dataN: n } },
  children: [{ type: 'text', value: String(n) }],
});

/**
 * GFM reads a bare URL up to the next space, so a marker written right after one
 * ("…/archive/html/【1】") becomes the end of the link's address and text: a dead link and no chip.
 * Such trailing markers are taken back out of the link and put after it as chips.
 */
function unglueTrailingMarkers(link: MdNode, options: MarkerOptions): MdNode[] | null {
  const last = link.children?.at(-1);
  if (last?.type !== 'text' || typeof last.value !== 'string' || typeof link.url !== 'string') return null;
  const trailing = new RegExp(`(?:${markerPattern(options.style).source})+$`).exec(last.value)?.[0];
  if (!trailing || !link.url.endsWith(trailing)) return null;
  const parts = splitCitationMarkers(trailing, options);
  if (!parts.every((p) => p.kind === 'cite')) return null;
  // What GFM leaves out of an address that ends a sentence ("….html.") it left in before the marker.
  const punctuation = /[?!.,:*_~]*$/.exec(last.value.slice(0, -trailing.length))![0];
  const cut = trailing.length + punctuation.length;
  const text = last.value.slice(0, -cut);
  const children = [...link.children!.slice(0, -1), ...(text ? [{ ...last, value: text }] : [])];
  if (children.length === 0) return null;
  const unglued = { ...link, url: link.url.slice(0, -cut), children };
  const cites = parts.flatMap((p) => (p.kind === 'cite' ? [citeNode(p.n)] : []));
  return [unglued, ...(punctuation ? [{ type: 'text', value: punctuation }] : []), ...cites];
}

const SKIP = new Set(['link', 'linkReference', 'code', 'inlineCode', 'math', 'inlineMath', 'definition']);

function transform(node: MdNode, options: MarkerOptions): void {
  if (!node.children) return;
  const next: MdNode[] = [];
  let changed = false;
  for (const child of node.children) {
    if (child.type === 'text' && typeof child.value === 'string' && /[[【]/.test(child.value)) {
      const parts = splitCitationMarkers(child.value, options);
      if (parts.some((p) => p.kind === 'cite')) {
        changed = true;
        for (const part of parts) {
          next.push(part.kind === 'text' ? { type: 'text', value: part.value } : citeNode(part.n));
        }
        continue;
      }
    }
    const unglued = child.type === 'link' ? unglueTrailingMarkers(child, options) : null;
    if (unglued) {
      changed = true;
      next.push(...unglued);
      continue;
    }
    if (!SKIP.has(child.type)) transform(child, options);
    next.push(child);
  }
  if (changed) node.children = next;
}

/** remark plugin: citation markers → `<cite data-n="n">n</cite>` (rendered as CitationChip). */
export function remarkCitations(options: MarkerOptions) {
  return () => (tree: unknown) => transform(tree as MdNode, options);
}
