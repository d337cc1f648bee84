import type { DocumentDto } from '@classchat/contracts';

/** A listed document for tests: a one-page PDF named after its id, with `change` on top. */
export function documentDto(id: string, change: Partial<DocumentDto> = {}): DocumentDto {
  return {
    id,
    classId: null,
    fileName: `${id}.pdf`,
    mimeType: 'application/pdf',
    byteSize: 1,
    sha256: 'x',
    status: 'ready',
    pageCount: 1,
    chunkCount: 1,
    error: null,
    createdAt: '2025-11-20T10:00:00.000Z',
    readyAt: null,
    ...change,
  };
}
