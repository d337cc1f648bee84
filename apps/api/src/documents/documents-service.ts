import {
  AppError,
  notFound,
  UploadFields,
  type DocumentDto,
  type SupportedMime,
  type UploadResponse,
} from '@classchat/contracts';
import { NotFoundError, StorageQuotaError, type DocumentRow, type Repositories } from '@classchat/db';
import { parseInput } from '@classchat/service';
import type { Logger } from 'pino';
import type { IngestionService } from '../ingestion/ingestion.js';
import { decideType } from './content-type.js';
import type { FileStore } from './file-store.js';
import { storageQuotaExceeded, uploadAllowance, type UploadAllowance } from './storage.js';
import type { ReceivedUpload } from './upload.js';

export function toDocumentDto(row: DocumentRow): DocumentDto {
  return {
    id: row.id,
    classId: row.classId,
    fileName: row.fileName,
    mimeType: row.mimeType,
    byteSize: row.byteSize,
    sha256: row.sha256,
    status: row.status,
    pageCount: row.pageCount,
    chunkCount: row.chunkCount,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    readyAt: row.readyAt?.toISOString() ?? null,
    outline: row.outline ?? null,
  };
}

export type DocumentsService = ReturnType<typeof createDocumentsService>;

export function createDocumentsService(deps: {
  repos: Pick<Repositories, 'documents' | 'classes'>;
  store: FileStore;
  ingestion: IngestionService;
  logger: Logger;
  limits: {
    /** MAX_UPLOAD_MB in bytes. */
    maxUploadBytes: number;
    /** USER_STORAGE_MB in bytes: what one user's documents may take. */
    userStorageBytes: number;
  };
}) {
  const { repos, store, ingestion, logger, limits } = deps;

  const removeFiles = async (keys: readonly string[]) => {
    for (const key of keys) {
      await store.remove(key).catch((err: unknown) => logger.error({ err, key }, 'could not remove a file'));
    }
  };

  return {
    /** How large the user's next upload may be: the upload limit, or what is left of their storage. */
    async uploadAllowance(userId: string): Promise<UploadAllowance> {
      return uploadAllowance({
        usedBytes: await repos.documents.storageUsed(userId),
        quotaBytes: limits.userStorageBytes,
        maxUploadBytes: limits.maxUploadBytes,
      });
    },

    /**
     * Accepts a received upload: decides its type by content (415 / 400), checks the class (404),
     * answers the existing document for the same content in the same class (`duplicate`), or creates
     * the document — within the user's storage quota (413) — and queues its ingestion. The stored
     * file is removed whenever it is not kept.
     */
    async accept(userId: string, upload: ReceivedUpload, requestId?: string): Promise<UploadResponse> {
      let keep = false;
      try {
        const classId = parseInput(UploadFields, upload.fields, 'upload fields').classId ?? null;
        const decision = decideType({
          fileName: upload.fileName,
          facts: upload.facts,
          zipHasWordDocument: upload.zipHasWordDocument,
        });
        if (!decision.ok) throw new AppError(decision.code, decision.message);
        if (classId && !(await repos.classes.get(userId, classId))) throw notFound('Class');

        const { row, duplicate } = await repos.documents.createUnlessDuplicate(
          {
            id: upload.storageKey,
            userId,
            classId,
            fileName: upload.fileName,
            mimeType: decision.mime satisfies SupportedMime,
            byteSize: upload.byteSize,
            sha256: upload.sha256,
            storageKey: upload.storageKey,
          },
          { storageLimitBytes: limits.userStorageBytes },
        );
        if (duplicate) return { document: toDocumentDto(row), duplicate: true };
        keep = true;
        ingestion.enqueue({ documentId: row.id, userId, ...(requestId ? { requestId } : {}) });
        return { document: toDocumentDto(row), duplicate: false };
      } catch (err) {
        if (err instanceof NotFoundError) throw notFound('Class');
        if (err instanceof StorageQuotaError) throw storageQuotaExceeded(err.usedBytes, err.limitBytes);
        throw err;
      } finally {
        if (!keep) await removeFiles([upload.storageKey]);
      }
    },

    async list(userId: string, classId: string | null | undefined): Promise<DocumentDto[]> {
      return (await repos.documents.list(userId, classId)).map(toDocumentDto);
    },

    async get(userId: string, id: string): Promise<DocumentDto> {
      const row = await repos.documents.get(userId, id);
      if (!row) throw notFound('Document');
      return toDocumentDto(row);
    },

    /** The stored file of one of the user's documents. */
    async file(
      userId: string,
      id: string,
    ): Promise<{ path: string; fileName: string; mimeType: SupportedMime }> {
      const row = await repos.documents.get(userId, id);
      if (!row) throw notFound('Document');
      if (row.status === 'failed') {
        throw new AppError('not_found', 'This document could not be processed, so its file was not kept.');
      }
      return { path: store.pathOf(row.storageKey), fileName: row.fileName, mimeType: row.mimeType };
    },

    /**
     * Deletes the document (chunks cascade), stops its ingestion and removes its file; answers the
     * class it was in.
     */
    async delete(userId: string, id: string): Promise<{ classId: string | null }> {
      const classId = (await repos.documents.get(userId, id))?.classId ?? null;
      const storageKey = await repos.documents.delete(userId, id);
      if (storageKey === null) throw notFound('Document');
      ingestion.cancel(id);
      await removeFiles([storageKey]);
      return { classId };
    },

    /** After a class was deleted (its documents cascade): stop their ingestions, remove their files. */
    async forgetDeleted(deleted: { documentIds: string[]; storageKeys: string[] }): Promise<void> {
      for (const id of deleted.documentIds) ingestion.cancel(id);
      await removeFiles(deleted.storageKeys);
    },
  };
}
