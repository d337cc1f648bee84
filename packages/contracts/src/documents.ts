import { z } from 'zod';
import { Id, IsoDate, nullableId } from './common.js';

export const DocumentStatus = z.enum(['uploaded', 'processing', 'ready', 'failed']);
export type DocumentStatus = z.infer<typeof DocumentStatus>;

export const IngestStage = z.enum(['queued', 'parsing', 'chunking', 'embedding', 'indexing', 'done']);
export type IngestStage = z.infer<typeof IngestStage>;

/** Types accepted at upload, decided by content (magic bytes / zip structure / UTF-8), never by name. */
export const SupportedMime = z.enum([
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'text/markdown',
  'text/plain',
]);
export type SupportedMime = z.infer<typeof SupportedMime>;

/** What a page is: body text, or a table of contents / index page (kept, but ranked down in retrieval). */
export const PageKind = z.enum(['body', 'toc', 'index']);
export type PageKind = z.infer<typeof PageKind>;

/**
 * One section of a document's outline, in reading order. `level` 1 is outermost; `pageStart` and
 * `pageEnd` are 1-based physical pages (the section runs until the next section of the same or an
 * outer level begins).
 */
export const OutlineEntry = z.object({
  title: z.string(),
  level: z.number().int().positive(),
  pageStart: z.number().int().positive(),
  pageEnd: z.number().int().positive(),
});
export type OutlineEntry = z.infer<typeof OutlineEntry>;

export const DocumentDto = z.object({
  id: Id,
  classId: Id.nullable(),
  fileName: z.string(),
  mimeType: SupportedMime,
  byteSize: z.number().int().nonnegative(),
  sha256: z.string(),
  status: DocumentStatus,
  pageCount: z.number().int().nonnegative().nullable(),
  chunkCount: z.number().int().nonnegative().nullable(),
  error: z.string().nullable(),
  createdAt: IsoDate,
  readyAt: IsoDate.nullable(),
  /** The document's sections (null until read, and for documents ingested before sections were). */
  outline: z.array(OutlineEntry).nullable().optional(),
});
export type DocumentDto = z.infer<typeof DocumentDto>;

export const DocumentList = z.object({ documents: z.array(DocumentDto) });
export type DocumentList = z.infer<typeof DocumentList>;

export const DocumentListQuery = z.object({ classId: nullableId.optional() });
export type DocumentListQuery = z.infer<typeof DocumentListQuery>;

/** Multipart text fields that may accompany the `file` part of `POST documents`. */
export const UploadFields = z.object({ classId: nullableId.optional() });
export type UploadFields = z.infer<typeof UploadFields>;

/** `POST documents` answers 201 with the new document, or 200 with the existing one for a duplicate. */
export const UploadResponse = z.object({ document: DocumentDto, duplicate: z.boolean() });
export type UploadResponse = z.infer<typeof UploadResponse>;
