import type { Citation } from '@classchat/contracts';
import { citationHref } from '../../citations/citations.js';
import { pageSpanOf } from '../../citations/source-map.js';
import type { OfflinePassage } from './model.js';

/**
 * The citations of an offline answer, numbered in the order the answer first uses them. Each one is
 * the exact span it stands for (a sentence, or a sentence with its example), mapped to the page's
 * raw text, so the viewer highlights just that.
 */
export class CitationList {
  readonly citations: Citation[] = [];
  private readonly byKey = new Map<string, number>();

  /** The number of the citation of `passage` characters `[start, end)`; the same span keeps one number. */
  cite(passage: OfflinePassage, start: number, end: number): number {
    const key = `${passage.chunkId}:${start}:${end}`;
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const n = this.citations.length + 1;
    const span = pageSpanOf(mapped(passage), start, end);
    this.citations.push({
      n,
      documentId: passage.documentId,
      fileName: passage.fileName,
      page: span.page,
      chunkId: passage.chunkId,
      snippet: passage.text.slice(start, end).replace(/\s+/g, ' ').trim(),
      charStart: span.charStart,
      charEnd: span.charEnd,
      href: citationHref({ documentId: passage.documentId, chunkId: passage.chunkId, ...span }),
      ...(passage.sectionPath.length > 0 ? { sectionPath: [...passage.sectionPath] } : {}),
    });
    this.byKey.set(key, n);
    return n;
  }
}

/** The canonical citation marker (see contracts' citation-markers). */
export const marker = (n: number) => `【${n}】`;

/**
 * A passage with a source map when it spans pages and has none: the chunker joins a chunk's page parts
 * with a blank line, and its part on `pageStart` is `charEnd - charStart` long; the next part starts
 * its page. Without this, every sentence after the page break would be cited on the first page.
 */
export function mapped<P extends OfflinePassage>(passage: P): P {
  if (passage.sourceMap || passage.pageEnd === passage.pageStart) return passage;
  const firstLength = passage.charEnd - passage.charStart;
  if (passage.text.slice(firstLength, firstLength + 2) !== '\n\n') return passage;
  const sourceMap: [number, number, number][] = [
    [0, passage.pageStart, passage.charStart],
    [firstLength + 2, passage.pageStart + 1, 0],
  ];
  return { ...passage, sourceMap };
}
