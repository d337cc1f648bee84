import type { ClassDto } from '@classchat/contracts';
import { describe, expect, it } from 'vitest';
import { classCount, countDocuments } from './classCounts.js';

const CELLS = '00000000-0000-4000-8000-000000000010';
const ALGEBRA = '00000000-0000-4000-8000-000000000011';

const cells: ClassDto = {
  id: CELLS,
  name: 'Cell Biology 101',
  documentCount: 3,
  failedCount: 1,
  createdAt: '2025-11-20T10:00:00.000Z',
};

describe('countDocuments', () => {
  const counts = countDocuments([
    { classId: CELLS, status: 'ready' },
    { classId: CELLS, status: 'processing' },
    { classId: CELLS, status: 'failed' },
    { classId: null, status: 'ready' },
  ]);

  it('counts ready and processing documents as active, failed ones apart', () => {
    expect(counts.byClass[CELLS]).toEqual({ active: 2, failed: 1 });
  });

  it('counts documents without a class under "All documents" only', () => {
    expect(counts.all).toEqual({ active: 3, failed: 1 });
    expect(Object.keys(counts.byClass)).toEqual([CELLS]);
  });
});

describe('classCount', () => {
  it('uses the class list’s own counts until the documents are read', () => {
    expect(classCount(cells, null)).toEqual({ active: 3, failed: 1 });
  });

  it('follows the documents once read, a class without any counting none', () => {
    const counts = countDocuments([{ classId: ALGEBRA, status: 'ready' }]);
    expect(classCount(cells, counts)).toEqual({ active: 0, failed: 0 });
    expect(classCount({ ...cells, id: ALGEBRA }, counts)).toEqual({ active: 1, failed: 0 });
  });
});
