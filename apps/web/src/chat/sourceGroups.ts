import type { Citation } from '@classchat/contracts';

/** One distinct place an answer cites (document, section, page) and every marker that points there. */
export interface SourceGroup {
  /** The first citation of the place, in marker order: the row links to its passage. */
  first: Citation;
  /** The marker numbers citing this place, ascending. */
  ns: number[];
}

/**
 * The answer's citations folded into one entry per document, section and page, in the order their
 * first marker appears. A summary quotes many sentences of one section; listing each quote as a row
 * repeated the same place dozens of times, while the markers in the text still open each passage.
 */
export function sourceGroups(citations: readonly Citation[]): SourceGroup[] {
  const groups = new Map<string, SourceGroup>();
  for (const c of [...citations].sort((a, b) => a.n - b.n)) {
    const key = JSON.stringify([c.documentId, c.sectionPath ?? [], c.page]);
    const group = groups.get(key);
    if (group) group.ns.push(c.n);
    else groups.set(key, { first: c, ns: [c.n] });
  }
  return [...groups.values()];
}

/** Marker numbers written compactly: runs as ranges ("1–9, 12, 14–15"). */
export function markerLabel(ns: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < ns.length) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === ns[j]! + 1) j++;
    parts.push(j === i ? String(ns[i]) : `${ns[i]}${j === i + 1 ? ', ' : '–'}${ns[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}
