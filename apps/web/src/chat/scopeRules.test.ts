import type { DocumentDto } from '@classchat/contracts';
import { describe, expect, it } from 'vitest';
import { documentDto } from '../test/documentDto.js';
import { documentsInScope, scopeForDocument } from './scopeRules.js';

const CELLS = '00000000-0000-4000-8000-000000000010';
const ALGEBRA = '00000000-0000-4000-8000-000000000011';

const doc = (id: string, classId: string | null, status: DocumentDto['status'] = 'ready') =>
  documentDto(id, { classId, status });

const documents = [
  doc('krebs', CELLS),
  doc('matrices', ALGEBRA),
  doc('loose', null),
  doc('slides', CELLS, 'processing'),
];

describe('documentsInScope', () => {
  it('offers only ready documents, of the chosen class when there is one', () => {
    expect(documentsInScope(documents, null).map((d) => d.id)).toEqual(['krebs', 'matrices', 'loose']);
    expect(documentsInScope(documents, CELLS).map((d) => d.id)).toEqual(['krebs']);
  });
});

describe('scopeForDocument', () => {
  it('chooses the class of the chosen document', () => {
    expect(scopeForDocument(documents, 'matrices', { classId: null, docId: null })).toEqual({
      classId: ALGEBRA,
      docId: 'matrices',
    });
  });

  it('keeps the class for "all documents" and for a document in no class', () => {
    expect(scopeForDocument(documents, null, { classId: CELLS, docId: 'krebs' })).toEqual({
      classId: CELLS,
      docId: null,
    });
    expect(scopeForDocument(documents, 'loose', { classId: CELLS, docId: null })).toEqual({
      classId: CELLS,
      docId: 'loose',
    });
  });
});
