import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { email, pageChunks, startDbFixture, type DbFixture } from '../db.test-helpers.js';
import type { ChunkScope } from './chunks.js';
import type * as rankedSearch from './ranked-search.js';
import { rankedSearchSql } from './ranked-search.js';

vi.mock('./ranked-search.js', async (importOriginal) => {
  const actual = await importOriginal<typeof rankedSearch>();
  return { ...actual, rankedSearchSql: vi.fn(actual.rankedSearchSql) };
});

let fx: DbFixture;
let scope: ChunkScope;
const built = vi.mocked(rankedSearchSql);

beforeAll(async () => {
  fx = await startDbFixture();
  const user = await fx.repos.users.create({ email: email('ranked'), name: 'R', passwordHash: 'h' });
  const cls = await fx.repos.classes.create(user.id, 'Biology');
  const doc = await fx.repos.documents.create({
    userId: user.id,
    classId: cls.id,
    fileName: 'cells.pdf',
    mimeType: 'application/pdf',
    byteSize: 1,
    sha256: randomUUID(),
    storageKey: randomUUID(),
  });
  const texts = [
    'Osmosis moves water across a membrane towards the higher solute concentration.',
    'The mitochondria make ATP; the cell uses that energy to move molecules across its membrane.',
    'Enzymes lower the activation energy of a reaction.',
  ];
  await fx.repos.chunks.insertForDocument(doc, pageChunks(texts));
  scope = { userId: user.id, classId: cls.id };
});
afterAll(() => fx?.stop());

describe('ranked full-text statement', () => {
  it('is built once per scope shape for the default ranking, with the hits of a statement built for the call', async () => {
    const questions = [
      'how does water cross a membrane?',
      'what lowers activation energy?',
      'where is ATP made',
    ];
    built.mockClear();
    const shaped = [];
    for (const q of questions)
      shaped.push(await fx.repos.chunks.fullTextSearch(scope, q, 5, { lightWords: ['cross'] }));
    expect(built).toHaveBeenCalledTimes(1);

    // An explicit ranking (the benchmark's calibration) is built for the call, as a focus is.
    built.mockClear();
    for (const [i, q] of questions.entries()) {
      const own = await fx.repos.chunks.fullTextSearch(scope, q, 5, { lightWords: ['cross'], ranking: {} });
      expect(own).toEqual(shaped[i]);
      expect(own.hits.length).toBeGreaterThan(0);
    }
    await fx.repos.chunks.fullTextSearch(scope, questions[0]!, 5, { focus: { pages: [{ from: 1, to: 1 }] } });
    expect(built).toHaveBeenCalledTimes(questions.length + 1);
  });
});
