import type { OutlineEntry } from '@classchat/contracts';

/**
 * The sections a page lies in, outermost first: the entries begun on or before `page` that are
 * still open there (the last one begun at each level, while its range still reaches `page`).
 */
export function sectionPathAt(outline: readonly OutlineEntry[], page: number): OutlineEntry[] {
  const open: OutlineEntry[] = [];
  for (const entry of outline) {
    if (entry.pageStart > page) continue;
    while (open.length > 0 && open.at(-1)!.level >= entry.level) open.pop();
    open.push(entry);
  }
  return open.filter((entry) => entry.pageEnd >= page);
}

/**
 * "Section 2.5 Missing values · p. 17": a numbered title reads as a section; one that names itself
 * ("Chapter 6 …", "Appendix B …", "Introduction") is shown as it is.
 */
export function sectionLabel(title: string, page: number): string {
  const name = title.trim();
  return `${/^\d/.test(name) ? `Section ${name}` : name} · p. ${page}`;
}

/** The title of the section to name above `page`: the citation's innermost section, else the outline's. */
export function sectionTitleFor(
  page: number,
  citedPath: readonly string[] | null | undefined,
  outline: readonly OutlineEntry[] | null | undefined,
): string | null {
  const cited = citedPath?.at(-1)?.trim();
  if (cited) return cited;
  return sectionPathAt(outline ?? [], page).at(-1)?.title ?? null;
}
