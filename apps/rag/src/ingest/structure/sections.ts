import type { OutlineEntry } from '@classchat/contracts';
import type { Section } from './types.js';

/** Where a section starts before its page range is known. */
export interface SectionStart {
  title: string;
  level: number;
  block: number;
  /** Physical page the section begins on. */
  page: number;
  /** It begins at the top of that page (so the section before it ends on the page before). */
  atTop: boolean;
}

/**
 * Sections with their page ranges: a section runs until the next section of the same or an outer
 * level begins (on that page when it begins below the top of it, else on the page before), or to
 * the end of the document. `starts` must be in reading order.
 */
export function withPageRanges(starts: readonly SectionStart[], pageCount: number): Section[] {
  return starts.map((start, i) => {
    const pageStart = start.page;
    let pageEnd = pageCount;
    for (let j = i + 1; j < starts.length; j++) {
      const next = starts[j]!;
      if (next.level > start.level) continue;
      pageEnd = next.atTop ? next.page - 1 : next.page;
      break;
    }
    return {
      title: start.title,
      level: start.level,
      block: start.block,
      pageStart,
      pageEnd: Math.max(pageStart, pageEnd),
    };
  });
}

/** The stored outline: the sections without their block positions. */
export function outlineOf(sections: readonly Section[]): OutlineEntry[] {
  return sections.map(({ title, level, pageStart, pageEnd }) => ({ title, level, pageStart, pageEnd }));
}

/**
 * For each block, the index of the sections enclosing it, outermost first (a new section closes the
 * open ones of the same or a deeper level).
 */
export function sectionStacks(sections: readonly Section[], blockCount: number): number[][] {
  const stacks: number[][] = new Array<number[]>(blockCount);
  let stack: number[] = [];
  let next = 0;
  for (let b = 0; b < blockCount; b++) {
    if (next < sections.length && sections[next]!.block <= b) {
      stack = [...stack];
      while (next < sections.length && sections[next]!.block <= b) {
        const level = sections[next]!.level;
        while (stack.length > 0 && sections[stack[stack.length - 1]!]!.level >= level) stack.pop();
        stack.push(next);
        next++;
      }
    }
    stacks[b] = stack;
  }
  return stacks;
}

/** Titles of a whitespace-collapsed form, as sections and outlines show them. */
export function cleanTitle(title: string): string {
  return title.replace(/\s+/g, ' ').trim();
}
