import type { OfflinePassage } from './model.js';

/** A passage for the offline engine's unit tests: one chunk of one page, fields defaulted. */
export function passage(text: string, overrides: Partial<OfflinePassage> = {}): OfflinePassage {
  const n = overrides.chunkIndex ?? 0;
  return {
    chunkId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    documentId: '11111111-1111-4111-8111-111111111111',
    fileName: 'notes.pdf',
    chunkIndex: n,
    pageStart: 1,
    pageEnd: 1,
    charStart: 0,
    charEnd: text.length,
    text,
    sectionPath: [],
    sectionPageStart: null,
    sectionPageEnd: null,
    pageKind: 'body',
    sourceMap: null,
    ...overrides,
  };
}
