import { Router, type NextFunction, type Request, type Response } from 'express';
import {
  AppError,
  DocumentListQuery,
  IdParams,
  type DocumentDto,
  type DocumentList,
  type UploadResponse,
} from '@classchat/contracts';
import { parseInput } from '@classchat/service';
import { requireAuth, userIdOf } from '../auth/require-auth.js';
import type { ApiContext } from '../context.js';
import type { DocumentsService } from './documents-service.js';
import type { FileStore } from './file-store.js';
import type { UserEventPublisher } from '../realtime/user-events.js';
import {
  createDiskReserve,
  MULTIPART_SLACK_BYTES,
  type DiskReserve,
  type UploadAllowance,
} from './storage.js';
import { receiveUpload } from './upload.js';

/** `/api/v1/documents`, authenticated. */
export function documentsRouter(ctx: ApiContext, service: DocumentsService): Router {
  const router = Router();
  router.use(requireAuth(ctx.tokens));
  router.use(
    documentsRoutes(service, {
      store: ctx.files,
      minFreeDiskBytes: ctx.config.minFreeDiskBytes,
      events: ctx.userEvents,
    }),
  );
  return router;
}

/**
 * `/api/v1/documents` (behind requireAuth): upload (within the disk's reserve and the user's storage
 * quota), list, get, the original file, delete.
 */
export function documentsRoutes(
  service: DocumentsService,
  options: {
    store: FileStore;
    minFreeDiskBytes: number;
    /** Tells the user's other tabs about uploads and deletions. */
    events?: Pick<UserEventPublisher, 'document' | 'documentDeleted' | 'usage'>;
  },
): Router {
  const { events } = options;
  const router = Router();

  const disk = createDiskReserve(options.store.dir, options.minFreeDiskBytes);
  router.post('/', async (req, res) => {
    const userId = userIdOf(req);
    const room = await uploadRoom(req, () => service.uploadAllowance(userId), { store: options.store, disk });
    let result: UploadResponse;
    try {
      const upload = await receiveUpload(req, { store: options.store, ...room.allowance });
      result = await service.accept(userId, upload, typeof req.id === 'string' ? req.id : undefined);
    } finally {
      room.release();
    }
    res.status(result.duplicate ? 200 : 201).json(result satisfies UploadResponse);
    if (!result.duplicate) {
      void events?.document(userId, result.document.id);
      void events?.usage(userId);
    }
  });

  router.get('/', async (req, res) => {
    const { classId } = parseInput(DocumentListQuery, req.query, 'query');
    res.json({ documents: await service.list(userIdOf(req), classId) } satisfies DocumentList);
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseInput(IdParams, req.params, 'document id');
    res.json((await service.get(userIdOf(req), id)) satisfies DocumentDto);
  });

  router.get('/:id/file', async (req, res, next) => {
    const { id } = parseInput(IdParams, req.params, 'document id');
    sendDocumentFile(res, await service.file(userIdOf(req), id), next);
  });

  router.delete('/:id', async (req, res) => {
    const { id } = parseInput(IdParams, req.params, 'document id');
    const userId = userIdOf(req);
    const { classId } = await service.delete(userId, id);
    res.status(204).end();
    events?.documentDeleted(userId, id, classId);
    void events?.usage(userId);
  });

  return router;
}

/**
 * How large the upload may be, refused before a byte is stored: a disk nearly full (507), a library
 * full (413). The body is then read and dropped, so the client sees the answer rather than a
 * connection cut mid-send. What the upload may write (its declared length, or without one all it
 * is allowed) stays reserved on the disk until `release()`.
 */
async function uploadRoom(
  req: Request,
  allowance: () => Promise<UploadAllowance>,
  options: { store: FileStore; disk: DiskReserve },
): Promise<{ allowance: UploadAllowance; release: () => void }> {
  try {
    await options.store.ensureDir();
    const granted = await allowance();
    const declared = Number(req.headers['content-length']);
    const release = await options.disk.reserve(
      Number.isFinite(declared)
        ? Math.min(declared, granted.maxBytes + MULTIPART_SLACK_BYTES)
        : granted.maxBytes,
    );
    return { allowance: granted, release };
  } catch (err) {
    req.resume();
    throw err;
  }
}

/** A document's original file, shown inline, never sniffed into another type; a missing file is a 404. */
function sendDocumentFile(
  res: Response,
  file: Awaited<ReturnType<DocumentsService['file']>>,
  next: NextFunction,
): void {
  res.setHeader(
    'Content-Type',
    file.mimeType.startsWith('text/') ? `${file.mimeType}; charset=utf-8` : file.mimeType,
  );
  res.setHeader('Content-Disposition', inlineDisposition(file.fileName));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-cache');
  res.sendFile(file.path, { dotfiles: 'allow', cacheControl: false }, (err?: Error & { code?: string }) => {
    if (!err || res.headersSent) return;
    next(err.code === 'ENOENT' ? new AppError('not_found', 'The file of this document is missing.') : err);
  });
}

/** `inline; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded name>` (RFC 6266 / 8187). */
export function inlineDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `inline; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
