import { randomUUID } from 'node:crypto';
import { extname } from 'node:path';
import type { SupportedMime } from '@classchat/contracts';
import type { ChunkInput, Repositories } from '@classchat/db';
import { fakeEmbedding } from './fake-openai/index.js';

/**
 * `pages` as a ready document written straight into the database: one chunk a page, embedded as the
 * fake upstream embeds (so a question through it finds them), no file behind it. Returns its id.
 */
export async function seedReadyDocument(
  repos: Pick<Repositories, 'documents' | 'chunks'>,
  doc: { userId: string; classId: string | null; fileName: string; mimeType: SupportedMime },
  pages: readonly string[],
): Promise<string> {
  const { id } = await repos.documents.create({
    ...doc,
    byteSize: 1000,
    sha256: randomUUID().replaceAll('-', ''),
    storageKey: `${randomUUID()}${extname(doc.fileName)}`,
  });
  const chunks = pages.map((text, i) => ({
    ...wholePage(text, i + 1),
    tokenCount: Math.ceil(text.length / 4),
    embedding: Array.from(fakeEmbedding(text, 512)),
  }));
  await repos.chunks.insertForDocument({ id, userId: doc.userId, classId: doc.classId }, chunks);
  await repos.documents.markReady(id, chunks.length, chunks.length);
  return id;
}

/** Page `n` (1-based) as one chunk: the page's whole text. */
function wholePage(text: string, n: number): Omit<ChunkInput, 'tokenCount'> {
  return { chunkIndex: n - 1, pageStart: n, pageEnd: n, charStart: 0, charEnd: text.length, text };
}
