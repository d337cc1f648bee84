import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import busboy from 'busboy';
import { AppError } from '@classchat/contracts';
import { ContentInspector, looksLikeZip, type ContentFacts } from './content-type.js';
import type { FileStore } from './file-store.js';
import { MULTIPART_SLACK_BYTES, uploadTooLarge } from './storage.js';
import { readZipEntryNames, WORD_DOCUMENT_ENTRY } from './zip-entries.js';

/** The multipart field that carries the file. */
export const FILE_FIELD = 'file';

export interface ReceivedUpload {
  storageKey: string;
  fileName: string;
  byteSize: number;
  sha256: string;
  facts: ContentFacts;
  /** null: not a ZIP; else whether it lists word/document.xml. */
  zipHasWordDocument: boolean | null;
  /** The multipart text fields (e.g. classId). */
  fields: Record<string, string>;
}

/**
 * Streams the `file` part of a multipart request to `DATA_DIR/files/<uuid>`, computing its sha256
 * and content facts on the way and stopping as soon as it exceeds `maxBytes` (`tooLarge()`, by
 * default the 413 of the upload limit; the partial file is removed). Nothing is kept in memory but
 * the first KB.
 */
export async function receiveUpload(
  req: Request,
  options: { store: FileStore; maxBytes: number; tooLarge?: () => AppError },
): Promise<ReceivedUpload> {
  const { store, maxBytes } = options;
  const tooLarge = options.tooLarge ?? (() => uploadTooLarge(maxBytes));
  refuseUnlessMultipartWithin(req, maxBytes, tooLarge);
  await store.ensureDir();
  const parser = multipartParser(req, maxBytes);
  const key = store.newKey();
  const partPath = store.pathOf(`${key}.part`);
  const part = new FilePartReceiver(partPath, tooLarge);
  const parsed = part.receive(req, parser);
  req.pipe(parser);

  try {
    await parsed;
    const fileName = part.fileName;
    if (fileName === null) {
      throw new AppError(
        'invalid_input',
        `No file received: send it in a multipart field named "${FILE_FIELD}".`,
      );
    }
    const facts = part.inspector.finish();
    await rename(partPath, store.pathOf(key));
    return {
      storageKey: key,
      fileName,
      byteSize: facts.size,
      sha256: part.hash.digest('hex'),
      facts,
      zipHasWordDocument: await zipHasWordDocument(store.pathOf(key), facts),
      fields: part.fields,
    };
  } catch (err) {
    // Stop parsing what is left of the request (it is drained unread), and remove the partial file
    // once its writer has stopped (so it cannot be re-created after the removal).
    req.unpipe(parser);
    req.resume();
    await part.stop();
    await rm(partPath, { force: true });
    await store.remove(key);
    throw err;
  }
}

function refuseUnlessMultipartWithin(req: Request, maxBytes: number, tooLarge: () => AppError): void {
  if (!req.is('multipart/form-data')) {
    throw new AppError(
      'invalid_input',
      `Send the file as multipart/form-data in a field named "${FILE_FIELD}".`,
    );
  }
  // Multipart framing adds a little; a declared length far beyond the limit is refused up front.
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_SLACK_BYTES) throw tooLarge();
}

function multipartParser(req: Request, maxBytes: number): busboy.Busboy {
  try {
    return busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      // busboy signals the limit on reaching it: one byte more, so a file of exactly maxBytes fits.
      limits: { fileSize: maxBytes + 1, files: 1, fields: 20, fieldSize: 4096, parts: 30 },
    });
  } catch {
    throw new AppError('invalid_input', 'The upload is not valid multipart/form-data.');
  }
}

/** null: not a ZIP; else whether its entries list word/document.xml. */
async function zipHasWordDocument(path: string, facts: ContentFacts): Promise<boolean | null> {
  if (!looksLikeZip(facts.head)) return null;
  const names = await readZipEntryNames(path).catch(() => null);
  return names?.includes(WORD_DOCUMENT_ENTRY) ?? false;
}

/**
 * Collects one multipart request: its text fields, and its first `file` part written to
 * `partPath` while hashed and sniffed. The first failure wins.
 */
class FilePartReceiver {
  readonly fields: Record<string, string> = {};
  readonly hash = createHash('sha256');
  readonly inspector = new ContentInspector();
  fileName: string | null = null;
  private output: ReturnType<typeof createWriteStream> | null = null;
  private written: Promise<void> | null = null;
  private failure: AppError | null = null;

  constructor(
    private readonly partPath: string,
    private readonly tooLarge: () => AppError,
  ) {}

  /** Settles when the parser has closed and the file part, if any, is on disk. */
  receive(req: Request, parser: busboy.Busboy): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const fail = (err: AppError) => {
        this.failure ??= err;
        reject(this.failure);
      };
      parser.on('field', (name: string, value: string) => {
        this.fields[name] = value;
      });
      parser.on('file', (name: string, stream: NodeJS.ReadableStream, info: busboy.FileInfo) =>
        this.onFile(name, stream, info, fail),
      );
      parser.on('error', () =>
        fail(new AppError('invalid_input', 'The upload is not valid multipart/form-data.')),
      );
      parser.on('close', () => {
        void (this.written ?? Promise.resolve()).then(() =>
          this.failure ? reject(this.failure) : resolve(),
        );
      });
      req.on('close', () => {
        if (!req.complete) fail(new AppError('invalid_input', 'The upload was interrupted.'));
      });
    });
  }

  /** Stops the file's writer and waits until it has. */
  async stop(): Promise<void> {
    this.output?.destroy();
    await this.written;
  }

  private onFile(
    name: string,
    stream: NodeJS.ReadableStream,
    info: busboy.FileInfo,
    fail: (err: AppError) => void,
  ): void {
    if (name !== FILE_FIELD || this.fileName !== null) {
      stream.resume();
      return;
    }
    this.fileName = cleanFileName(info.filename);
    stream.on('data', (chunk: Buffer) => {
      this.hash.update(chunk);
      this.inspector.push(chunk);
    });
    stream.on('limit', () => fail(this.tooLarge()));
    this.output = createWriteStream(this.partPath, { flags: 'wx' });
    this.written = pipeline(stream, this.output).catch((err: unknown) => {
      fail(AppError.is(err) ? err : new AppError('invalid_input', 'The upload was interrupted.'));
    });
  }
}

/**
 * Control characters, and the bidirectional formatting characters that make a name display other
 * than it is ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf").
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME_CHARS = /[\u0000-\u001f\u007f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The name as the user's system showed it: no directories, no control or bidi formatting
 * characters, at most 255 chars.
 */
export function cleanFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  const clean = base.replace(UNSAFE_NAME_CHARS, '').trim();
  return (clean || 'upload').slice(0, 255);
}
