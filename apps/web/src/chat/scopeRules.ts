import type { DocumentDto } from '@classchat/contracts';

export interface Scope {
  classId: string | null;
  docId: string | null;
}

/** The documents one can answer from within the chosen class (all classes: every ready one). */
export function documentsInScope(documents: readonly DocumentDto[], classId: string | null): DocumentDto[] {
  return documents.filter((d) => d.status === 'ready' && (classId === null || d.classId === classId));
}

/** Choosing a document also chooses its class; choosing "all documents" keeps the class. */
export function scopeForDocument(
  documents: readonly DocumentDto[],
  docId: string | null,
  scope: Scope,
): Scope {
  const doc = documents.find((d) => d.id === docId);
  return { classId: doc?.classId ?? scope.classId, docId };
}
