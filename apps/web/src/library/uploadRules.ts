import { formatBytes } from '../ui/format.js';

/** Mirrors the api's default `MAX_UPLOAD_MB` (25); the server still enforces its own limit (413). */
export const MAX_UPLOAD_MB = 25;
export const MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024;

export const ACCEPTED_EXTENSIONS = ['.pdf', '.docx', '.md', '.txt'] as const;

/** For `<input type=file accept>`: extensions plus their MIME types. */
export const ACCEPT_ATTRIBUTE = [
  ...ACCEPTED_EXTENSIONS,
  '.markdown',
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'text/markdown',
  'text/plain',
].join(',');

export function fileExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot).toLowerCase();
}

/** Why a file cannot be uploaded, checked before sending it; null when it may go. */
export function validateUpload(
  file: Pick<File, 'name' | 'size'>,
  maxBytes: number = MAX_UPLOAD_BYTES,
): string | null {
  const ext = fileExtension(file.name);
  const accepted = (ACCEPTED_EXTENSIONS as readonly string[]).includes(ext) || ext === '.markdown';
  if (!accepted) {
    return `${ext ? `"${ext}" files are` : 'Files without an extension are'} not supported. Upload a PDF, Word (.docx), Markdown (.md) or text (.txt) file.`;
  }
  if (file.size === 0) return 'This file is empty.';
  if (file.size > maxBytes) {
    return `This file is ${formatBytes(file.size)}; the limit is ${formatBytes(maxBytes)}.`;
  }
  return null;
}

export type FileKind = 'pdf' | 'docx' | 'markdown' | 'text';

export function fileKind(name: string, mime?: string): FileKind {
  const ext = fileExtension(name);
  if (mime === 'application/pdf' || ext === '.pdf') return 'pdf';
  if (ext === '.docx' || mime?.includes('wordprocessingml')) return 'docx';
  if (ext === '.md' || ext === '.markdown' || mime === 'text/markdown') return 'markdown';
  return 'text';
}

export const KIND_LABEL: Record<FileKind, string> = { pdf: 'PDF', docx: 'DOCX', markdown: 'MD', text: 'TXT' };
