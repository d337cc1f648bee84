import type { SupportedMime } from '@classchat/contracts';

/**
 * Deciding an upload's type from its bytes (pure; the file I/O lives in upload.ts / zip-entries.ts).
 *
 * - PDF: the `%PDF-` signature (within the first 1024 bytes, as PDF readers accept).
 * - DOCX: a ZIP whose central directory lists `word/document.xml`.
 * - Markdown / text: valid UTF-8 in which at most 1 byte in `NUL_SHARE_LIMIT` is NUL; Markdown when
 *   the name ends in .md/.markdown. A stray NUL (valid UTF-8, but no text a student wrote) is dropped
 *   when the text is read; a file with many is UTF-16 text or binary data, not UTF-8 text.
 * A name whose extension promises one of these types (.pdf, .docx, .md, .txt) must agree with the
 * content; the name alone never makes a file acceptable.
 */

export const PDF_MIME = 'application/pdf' as const;
export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' as const;

export const ACCEPTED_TYPES_MESSAGE =
  'Upload a PDF, a Word document (.docx), a Markdown file (.md) or a plain text file (.txt).';

/** Bytes kept from the start of the upload for sniffing. */
export const HEAD_BYTES = 1024;

/** Text has at most 1 NUL byte in this many: English in UTF-16 has 1 in 2, a binary file often more. */
export const NUL_SHARE_LIMIT = 10;

export const NUL_TEXT_MESSAGE =
  'This file is not UTF-8 text: many of its bytes are NUL (zero), as in UTF-16 text or binary data. Save it as UTF-8 text and upload it again.';

export interface ContentFacts {
  size: number;
  /** The first `HEAD_BYTES` bytes (fewer for a smaller file). */
  head: Uint8Array;
  /** The whole content is valid UTF-8 (NUL is: it is the character U+0000). */
  utf8: boolean;
  /** NUL bytes in the content (counted while it is valid UTF-8). */
  nulBytes: number;
}

/**
 * Collects `ContentFacts` while the upload streams by: the head, UTF-8 validity (a streaming fatal
 * decoder) and NUL bytes, in one pass, without keeping the content.
 */
export class ContentInspector {
  private size = 0;
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;
  private utf8 = true;
  private nulBytes = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  push(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.headLength < HEAD_BYTES) {
      const take = chunk.subarray(0, HEAD_BYTES - this.headLength);
      this.headChunks.push(Buffer.from(take));
      this.headLength += take.length;
    }
    if (!this.utf8) return;
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      this.utf8 = false;
      return;
    }
    // A plain loop from the first NUL: text without one costs one native scan, a file of zeros ~4 ms/MB.
    for (let i = chunk.indexOf(0); i !== -1 && i < chunk.length; i++) if (chunk[i] === 0) this.nulBytes++;
  }

  finish(): ContentFacts {
    if (this.utf8) {
      try {
        this.decoder.decode();
      } catch {
        this.utf8 = false; // ends inside a multi-byte sequence
      }
    }
    return {
      size: this.size,
      head: Buffer.concat(this.headChunks),
      utf8: this.utf8,
      nulBytes: this.nulBytes,
    };
  }
}

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  signature.every((b, i) => bytes[at + i] === b);

const PDF_SIGNATURE = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04]; // PK\3\4
const ZIP_EMPTY_ARCHIVE = [0x50, 0x4b, 0x05, 0x06]; // PK\5\6

export function isPdf(head: Uint8Array): boolean {
  const limit = Math.min(head.length, HEAD_BYTES) - PDF_SIGNATURE.length;
  for (let i = 0; i <= limit; i++) if (startsWith(head, PDF_SIGNATURE, i)) return true;
  return false;
}

export function looksLikeZip(head: Uint8Array): boolean {
  return startsWith(head, ZIP_LOCAL_HEADER) || startsWith(head, ZIP_EMPTY_ARCHIVE);
}

/** Well-known binary formats, to name what an unsupported upload actually is. */
export function describeBinary(head: Uint8Array): string | null {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47])) return 'a PNG image';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'a JPEG image';
  if (startsWith(head, [0x47, 0x49, 0x46, 0x38])) return 'a GIF image';
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0])) return 'an old Office document (.doc/.ppt/.xls)';
  if (looksLikeZip(head)) return 'a ZIP archive that is not a Word document';
  if (startsWith(head, [0x4d, 0x5a])) return 'a Windows program';
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46])) return 'a program';
  return null;
}

export type Extension = 'pdf' | 'docx' | 'md' | 'txt' | 'other';

const EXTENSIONS: Readonly<Record<string, Extension>> = {
  pdf: 'pdf',
  docx: 'docx',
  md: 'md',
  markdown: 'md',
  txt: 'txt',
  text: 'txt',
};

export function extensionOf(fileName: string): Extension {
  const ext = /\.([^./\\]+)$/.exec(fileName.trim().toLowerCase())?.[1];
  return (ext && EXTENSIONS[ext]) || 'other';
}

export type TypeDecision =
  | { ok: true; mime: SupportedMime }
  | { ok: false; code: 'unsupported_type' | 'invalid_input'; message: string };

const unsupported = (message: string): TypeDecision => ({ ok: false, code: 'unsupported_type', message });

/**
 * The upload's type. `zipHasWordDocument` is null when the content is not a ZIP, else whether its
 * central directory lists `word/document.xml`.
 */
export function decideType(input: {
  fileName: string;
  facts: ContentFacts;
  zipHasWordDocument: boolean | null;
}): TypeDecision {
  const { facts, fileName } = input;
  const ext = extensionOf(fileName);
  if (facts.size === 0) return { ok: false, code: 'invalid_input', message: 'The file is empty.' };

  let mime: SupportedMime | null = null;
  if (isPdf(facts.head)) mime = PDF_MIME;
  else if (input.zipHasWordDocument) mime = DOCX_MIME;
  else if (isText(facts)) mime = ext === 'md' ? 'text/markdown' : 'text/plain';

  if (!mime) {
    const what = describeBinary(facts.head);
    if (ext === 'txt' || ext === 'md') {
      if (what) return unsupported(`This file is ${what}, not text. ${ACCEPTED_TYPES_MESSAGE}`);
      return unsupported(
        facts.utf8
          ? NUL_TEXT_MESSAGE
          : 'This text file is not UTF-8 encoded. Save it as UTF-8 and upload it again.',
      );
    }
    // "Not supported" would puzzle a student whose file ends in .pdf: say the name and content disagree.
    if (ext === 'pdf' || ext === 'docx') return unsupported(namedLikeMessage(fileName, ext, what));
    return unsupported(
      `This file type is not supported${what ? ` (it is ${what})` : ''}. ${ACCEPTED_TYPES_MESSAGE}`,
    );
  }

  // The name promises a type the content is not (e.g. a text or PNG file named .pdf).
  const promised: Partial<Record<Extension, SupportedMime[]>> = {
    pdf: [PDF_MIME],
    docx: [DOCX_MIME],
    md: ['text/markdown'],
    txt: ['text/plain'],
  };
  const allowed = promised[ext];
  if (allowed && !allowed.includes(mime)) {
    const what = mime === PDF_MIME ? 'a PDF' : mime === DOCX_MIME ? 'a Word document' : 'text';
    return unsupported(namedLikeMessage(fileName, ext as PromisingExtension, what));
  }
  return { ok: true, mime };
}

/** Valid UTF-8 with no more NULs than stray ones. */
function isText(facts: ContentFacts): boolean {
  return facts.utf8 && facts.nulBytes * NUL_SHARE_LIMIT <= facts.size;
}

type PromisingExtension = Exclude<Extension, 'other'>;

function namedLikeMessage(fileName: string, ext: PromisingExtension, what: string | null): string {
  const label = { pdf: 'a PDF', docx: 'a Word document', md: 'a Markdown file', txt: 'a text file' }[ext];
  const actually = what ? `it is ${what}` : 'it may be damaged, or another kind of file renamed';
  return `“${fileName}” is named like ${label} but its content is not (${actually}). ${ACCEPTED_TYPES_MESSAGE}`;
}
