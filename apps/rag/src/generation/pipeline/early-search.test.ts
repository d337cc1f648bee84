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
    releaseList();
    await drain(answerEvents(deps, answerRequest('What does cells.pdf say about osmosis?')));
    expect(searches.map((s) => s.documentIds)).toEqual([[], [doc.id]]);
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
