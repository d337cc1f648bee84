import type { ChunkHit, ChunksRepository, ScopeDocument } from '@classchat/db';
import { describe, expect, it, vi } from 'vitest';
import { answerEvents } from '../answer-pipeline.js';
import {
  answeredWith,
  answerRequest,
  chunkHit,
  drain,
  fakeDeps,
  fakeRepositories,
  readyDocument,
} from './pipeline.test-helpers.js';

type FullTextOptions = Parameters<ChunksRepository['fullTextSearch']>[3];

/** One turn of the event loop: an early search that was going to start has started by then. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Answer deps whose full-text search records what it was asked and whether the scope had been
 * listed by then; listing the scope waits for `releaseList()`.
 */
function recordingSearch(documents: ScopeDocument[], chunks: ChunkHit[] = []) {
  const repos = fakeRepositories({ documents, chunks });
  const searches: Array<{ query: string; documentIds: string[]; listed: boolean }> = [];
  let listed = false;
  let releaseList!: () => void;
  const listing = new Promise<void>((resolve) => (releaseList = resolve));
  const deps = fakeDeps({
    chunks: {
      ...repos.chunks,
      fullTextSearch: (_scope, query: string, _limit, options?: FullTextOptions) => {
        searches.push({ query, documentIds: [...(options?.focus?.documentIds ?? [])], listed });
        return Promise.resolve({ hits: [], terms: [] });
      },
    },
    documents: {
      listInScope: async () => {
        await listing;
        listed = true;
        return documents;
      },
    },
  });
  return { deps, searches, releaseList };
}

describe('the early search', () => {
  it('searches a question before the scope’s documents are listed, and only once', async () => {
    const { deps, searches, releaseList } = recordingSearch([readyDocument('cells.pdf')]);
    const events = drain(answerEvents(deps, answerRequest('What is osmosis?')));
    await vi.waitFor(() => expect(searches).toHaveLength(1));
    expect(searches[0]!.listed).toBe(false);
    releaseList();
    await events;
    expect(searches).toHaveLength(1);
  });

  it('searches again, focused on the document, when the question names one of the scope’s documents', async () => {
    const doc = readyDocument('cells.pdf');
    const { deps, searches, releaseList } = recordingSearch([doc]);
    const events = drain(answerEvents(deps, answerRequest('What does cells.pdf say about osmosis?')));
    await vi.waitFor(() => expect(searches).toHaveLength(1));
    releaseList();
    await events;
    expect(searches.map((s) => s.documentIds)).toEqual([[], [doc.id]]);
  });

  it('searches only once, focused, when the listing naming the document is at hand before the search starts', async () => {
    const doc = readyDocument('cells.pdf');
    const { deps, searches, releaseList } = recordingSearch([doc]);
    releaseList();
    await drain(answerEvents(deps, answerRequest('What does cells.pdf say about osmosis?')));
    await nextTurn();
    expect(searches.map((s) => s.documentIds)).toEqual([[doc.id]]);
  });

  it('searches nothing when the listing at hand shows no material', async () => {
    const { deps, searches, releaseList } = recordingSearch([]);
    releaseList();
    const events = await drain(answerEvents(deps, answerRequest('What is osmosis?')));
    expect(events.at(-1)).toMatchObject({ type: 'done', coverage: 'no_material' });
    await nextTurn();
    expect(searches).toHaveLength(0);
  });

  it('asks for the question’s embedding and the scope’s documents before it reads the question’s words', async () => {
    const asked: string[] = [];
    const repos = fakeRepositories({ documents: [readyDocument('cells.pdf')] });
    const deps = fakeDeps({
      chunks: {
        ...repos.chunks,
        fullTextSearch: (...args) => {
          asked.push('full-text');
          return repos.chunks.fullTextSearch(...args);
        },
      },
      documents: {
        listInScope: (scope) => {
          asked.push('listing');
          return repos.documents.listInScope(scope);
        },
      },
      embedder: {
        embedQuery: () => {
          asked.push('embedding');
          return Promise.resolve(Array.from({ length: 512 }, () => 0.1));
        },
      },
      embeddedScopes: { get: () => 5, remember: () => undefined },
    });
    await drain(answerEvents(deps, answerRequest('What is osmosis?')));
    expect(asked).toEqual(['listing', 'embedding', 'full-text']);
  });

  it('searches nothing when the plan fails before the search starts', async () => {
    const { deps, searches } = recordingSearch([readyDocument('cells.pdf')]);
    const failing = fakeDeps({
      ...deps,
      documents: { listInScope: () => Promise.reject(new Error('database gone')) },
    });
    await expect(drain(answerEvents(failing, answerRequest('What is osmosis?')))).rejects.toThrow(
      'database gone',
    );
    await nextTurn();
    expect(searches).toHaveLength(0);
  });

  it('does not search for a follow-up', async () => {
    const passages = [chunkHit('Osmosis moves water across a membrane.')];
    const { deps, searches, releaseList } = recordingSearch([readyDocument('cells.pdf')], passages);
    releaseList();
    const history = answeredWith('What is osmosis?', 'It moves water [1].', passages);
    await drain(answerEvents(deps, answerRequest('tell me more', history)));
    expect(searches).toHaveLength(0);
  });
});
