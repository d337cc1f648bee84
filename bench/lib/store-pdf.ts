import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Repositories } from '@classchat/db';
import { sha256Of } from '../corpus/debian-docs.js';

/**
 * A PDF stored as an upload leaves it: its bytes in the files folder under its id, and its document
 * row (status `uploaded`), ready for ingestion.
 */
export function storePdf(
  repos: Repositories,
  filesDir: string,
  pdf: {
    id?: string;
    userId: string;
    classId: string | null;
    fileName: string;
    bytes: Uint8Array;
    /** Defaults to the bytes' hash; a run that stores the same file many times may pass its own. */
    sha256?: string;
  },
) {
  const id = pdf.id ?? randomUUID();
  writeFileSync(join(filesDir, id), pdf.bytes);
  return repos.documents.create({
    id,
    userId: pdf.userId,
    classId: pdf.classId,
    fileName: pdf.fileName,
    mimeType: 'application/pdf',
    byteSize: pdf.bytes.length,
    sha256: pdf.sha256 ?? sha256Of(pdf.bytes),
    storageKey: id,
  });
}
