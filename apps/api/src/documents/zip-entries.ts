import { open } from 'node:fs/promises';

/**
 * Reading a ZIP archive's entry names from its central directory (the authoritative list at the end of
 * the file), without inflating anything: enough to tell a DOCX (`word/document.xml`) from any other ZIP.
 */

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const CENTRAL_HEADER_SIZE = 46;
const MAX_COMMENT = 0xffff;
/** A DOCX's central directory is a few KB; refuse to read absurd ones. */
const MAX_CENTRAL_DIRECTORY = 8 * 1024 * 1024;

export interface CentralDirectoryLocation {
  offset: number;
  size: number;
  entries: number;
}

/**
 * Finds the end-of-central-directory record in `tail` (the last bytes of a file of `fileSize` bytes)
 * and returns where the central directory is. Handles ZIP64 when its locator is in `tail`.
 */
export function locateCentralDirectory(tail: Uint8Array, fileSize: number): CentralDirectoryLocation | null {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  const tailStart = fileSize - tail.length;
  for (let i = tail.length - EOCD_SIZE; i >= 0 && i >= tail.length - EOCD_SIZE - MAX_COMMENT; i--) {
    if (view.getUint32(i, true) !== EOCD_SIGNATURE) continue;
    const commentLength = view.getUint16(i + 20, true);
    if (i + EOCD_SIZE + commentLength > tail.length) continue; // a signature inside the comment
    let entries = view.getUint16(i + 10, true);
    let size = view.getUint32(i + 12, true);
    let offset = view.getUint32(i + 16, true);
    if (entries === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
      const at = i - ZIP64_LOCATOR_SIZE;
      if (at < 0 || view.getUint32(at, true) !== ZIP64_LOCATOR_SIGNATURE) return null;
      const recordAt = Number(view.getBigUint64(at + 8, true)) - tailStart;
      if (recordAt < 0 || recordAt + 56 > tail.length) return null;
      if (view.getUint32(recordAt, true) !== ZIP64_EOCD_SIGNATURE) return null;
      entries = Number(view.getBigUint64(recordAt + 32, true));
      size = Number(view.getBigUint64(recordAt + 40, true));
      offset = Number(view.getBigUint64(recordAt + 48, true));
    }
    if (offset + size > fileSize) return null;
    return { offset, size, entries };
  }
  return null;
}

/** The entry names of a central directory, or null when it is malformed. */
export function centralDirectoryNames(cd: Uint8Array, entries: number): string[] | null {
  const view = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const decoder = new TextDecoder('utf-8');
  const names: string[] = [];
  let at = 0;
  for (let n = 0; n < entries; n++) {
    if (at + CENTRAL_HEADER_SIZE > cd.length) return null;
    if (view.getUint32(at, true) !== CENTRAL_HEADER_SIGNATURE) return null;
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const nameStart = at + CENTRAL_HEADER_SIZE;
    if (nameStart + nameLength > cd.length) return null;
    names.push(decoder.decode(cd.subarray(nameStart, nameStart + nameLength)));
    at = nameStart + nameLength + extraLength + commentLength;
  }
  return names;
}

/** The entry names of the ZIP file at `path`, or null when it is not a readable ZIP. */
export async function readZipEntryNames(path: string): Promise<string[] | null> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size < EOCD_SIZE) return null;
    const tailLength = Math.min(size, EOCD_SIZE + MAX_COMMENT + ZIP64_LOCATOR_SIZE + 56);
    const tail = Buffer.alloc(tailLength);
    await file.read(tail, 0, tailLength, size - tailLength);
    const location = locateCentralDirectory(tail, size);
    if (!location || location.size > MAX_CENTRAL_DIRECTORY) return null;
    const cd = Buffer.alloc(location.size);
    await file.read(cd, 0, location.size, location.offset);
    return centralDirectoryNames(cd, location.entries);
  } finally {
    await file.close();
  }
}

export const WORD_DOCUMENT_ENTRY = 'word/document.xml';
