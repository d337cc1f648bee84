import type { ClassDto, DocumentStatus } from '@classchat/contracts';

/** Documents that are or will be usable (ready, or still being processed), and failed ones apart. */
export interface DocumentCount {
  active: number;
  failed: number;
}

export interface DocumentCounts {
  all: DocumentCount;
  byClass: Readonly<Record<string, DocumentCount>>;
}

/** Counts the documents (with their live status) for "All documents" and each class. */
export function countDocuments(
  documents: readonly { classId: string | null; status: DocumentStatus }[],
): DocumentCounts {
  const all: DocumentCount = { active: 0, failed: 0 };
  const byClass: Record<string, DocumentCount> = {};
  for (const d of documents) {
    const key = d.status === 'failed' ? 'failed' : 'active';
    all[key] += 1;
    if (d.classId) {
      const count = (byClass[d.classId] ??= { active: 0, failed: 0 });
      count[key] += 1;
    }
  }
  return { all, byClass };
}

/**
 * A class's count: from the documents once they are read (a class without any has none), until
 * then the counts the class list came with.
 */
export function classCount(cls: ClassDto, counts: DocumentCounts | null): DocumentCount {
  if (counts) return counts.byClass[cls.id] ?? { active: 0, failed: 0 };
  return { active: cls.documentCount, failed: cls.failedCount ?? 0 };
}
