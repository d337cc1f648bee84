/** Why an ingestion failed, as a label for metrics and logs. */
export type IngestFailureReason =
  | 'password'
  | 'no_text'
  | 'damaged'
  | 'too_many_pages'
  | 'too_large'
  | 'too_much_text'
  | 'timeout'
  | 'missing_file'
  | 'embedding'
  | 'internal';

/** An ingestion failure whose message a student can act on; it becomes the document's `error`. */
export class IngestFailure extends Error {
  override name = 'IngestFailure';
  constructor(
    readonly reason: IngestFailureReason,
    message: string,
  ) {
    super(message);
  }
}

export const failures = {
  password: () =>
    new IngestFailure('password', 'This PDF is password-protected. Remove the password and upload it again.'),
  noText: (pdf: boolean) =>
    new IngestFailure(
      'no_text',
      pdf ? 'No extractable text — is it a scanned image?' : 'The document contains no text.',
    ),
  damaged: () => new IngestFailure('damaged', 'The file is damaged or not a valid PDF/DOCX.'),
  notUtf8: () =>
    new IngestFailure('damaged', 'The file is not valid UTF-8 text. Save it as UTF-8 and upload it again.'),
  tooManyPages: (pages: number, limit: number) =>
    new IngestFailure(
      'too_many_pages',
      `This document has ${pages} pages; the limit is ${limit}. Split it into smaller files and upload them.`,
    ),
  tooLargeUnpacked: (limitBytes: number) =>
    new IngestFailure(
      'too_large',
      `This DOCX unpacks to more than ${Math.round(limitBytes / (1024 * 1024))} MB. Remove embedded media or split it into smaller files and upload them.`,
    ),
  parseMemory: (limitMb: number) =>
    new IngestFailure(
      'too_large',
      `Reading this file needed more than the ${limitMb} MB memory limit and was stopped. Split it into smaller files and upload them.`,
    ),
  tooMuchText: (chars: number, limit: number) =>
    new IngestFailure(
      'too_much_text',
      `This document holds ${formatCount(chars)} characters of text; the limit is ${formatCount(limit)}. Split it into smaller files and upload them.`,
    ),
  tooManyChunks: (chunks: number, limit: number) =>
    new IngestFailure(
      'too_much_text',
      `This document makes ${formatCount(chunks)} passages to index; the limit is ${formatCount(limit)}. Split it into smaller files and upload them.`,
    ),
  timeout: (seconds: number) =>
    new IngestFailure(
      'timeout',
      `Processing took longer than the ${formatDuration(seconds)} limit and was stopped. Try uploading a smaller file.`,
    ),
  missingFile: () =>
    new IngestFailure('missing_file', 'The uploaded file is missing on the server. Please upload it again.'),
  embedding: () =>
    new IngestFailure(
      'embedding',
      'The embeddings service failed while processing this document. Please upload it again later.',
    ),
  internal: () =>
    new IngestFailure(
      'internal',
      'Processing failed because of an error on our side. Please upload it again.',
    ),
};

export function formatDuration(seconds: number): string {
  if (seconds % 60 === 0) {
    const minutes = seconds / 60;
    return minutes === 1 ? '1-minute' : `${minutes}-minute`;
  }
  return seconds === 1 ? '1-second' : `${seconds}-second`;
}

/** 1234567 → "1,234,567": counts in reasons read the same whatever the server's locale. */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
