import { describe, expect, it } from 'vitest';
import { documentDto } from '../test/documentDto.js';
import { documentViews, inClass } from './libraryViews.js';

const CELLS = '00000000-0000-4000-8000-000000000010';
const ALGEBRA = '00000000-0000-4000-8000-000000000011';

const doc = (id: string, classId: string | null, createdAt: string) =>
  documentDto(id, { classId, createdAt, status: 'processing', pageCount: null, chunkCount: null });

const older = doc('older', CELLS, '2025-11-20T10:00:00.000Z');
const newer = doc('newer', ALGEBRA, '2025-11-21T10:00:00.000Z');
const loose = doc('loose', null, '2025-11-19T10:00:00.000Z');

describe('documentViews', () => {
  it('lists the newest upload first', () => {
    expect(documentViews([older, loose, newer], {}).map((d) => d.id)).toEqual(['newer', 'older', 'loose']);
  });

  it('shows what the socket reported since the list was read', () => {
    const live = {
      older: {
        status: 'failed',
        stage: 'parsing',
        progress: 0.2,
        error: 'Encrypted',
        pageCount: null,
        chunkCount: null,
      },
    } as const;
    const [view] = documentViews([older], live);
    expect(view).toMatchObject({ id: 'older', status: 'failed', error: 'Encrypted' });
  });
});

describe('inClass', () => {
  const views = documentViews([older, newer, loose], {});

  it('keeps the selected class’s documents only', () => {
    expect(inClass(views, CELLS).map((d) => d.id)).toEqual(['older']);
  });

  it('keeps every document when no class is selected', () => {
    expect(inClass(views, null)).toBe(views);
  });
});
