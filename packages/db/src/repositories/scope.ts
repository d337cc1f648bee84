import { and, eq, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { chunkEmbeddings, chunks, documents } from '../schema.js';
import type { ScopeShape } from './prepared.js';

/** What a retrieval scope restricts: always one user's rows; a class and a document only when named. */
interface ScopeValues {
  userId: string | Placeholder;
  classId?: string | Placeholder | null;
  documentId?: string | Placeholder | null;
}

interface ScopeColumns {
  userId: AnyPgColumn;
  classId: AnyPgColumn;
  documentId: AnyPgColumn;
}

/** The columns a scope restricts on chunks, on their embeddings, and on the documents the chunks belong to. */
export const chunkScopeColumns: ScopeColumns = {
  userId: chunks.userId,
  classId: chunks.classId,
  documentId: chunks.documentId,
};
export const embeddingScopeColumns: ScopeColumns = {
  userId: chunkEmbeddings.userId,
  classId: chunkEmbeddings.classId,
  documentId: chunkEmbeddings.documentId,
};
export const documentScopeColumns: ScopeColumns = {
  userId: documents.userId,
  classId: documents.classId,
  documentId: documents.id,
};

/** A scope's conditions on `columns`. */
export const scopeOn = (columns: ScopeColumns, scope: ScopeValues): SQL =>
  and(
    eq(columns.userId, scope.userId),
    scope.classId ? eq(columns.classId, scope.classId) : undefined,
    scope.documentId ? eq(columns.documentId, scope.documentId) : undefined,
  )!;

/** The scope of a statement built once per shape: a placeholder for each value the shape names. */
export const scopePlaceholders = (shape: ScopeShape): ScopeValues => ({
  userId: sql.placeholder('userId'),
  classId: shape.includes('class') ? sql.placeholder('classId') : null,
  documentId: shape.includes('document') ? sql.placeholder('documentId') : null,
});

/** What the placeholders of {@link scopePlaceholders} are filled with for a scope. */
export const scopeParams = (scope: {
  userId: string;
  classId?: string | null;
  documentId?: string | null;
}) => ({
  userId: scope.userId,
  classId: scope.classId ?? null,
  documentId: scope.documentId ?? null,
});
