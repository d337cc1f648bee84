import { describe, expect, it } from 'vitest';
import { CANCELLED } from '../failures.js';
import { gatherContext, sourcesEvent } from './context.js';
import { planAnswer } from './plan.js';
import {
  answeredWith,
  answerRequest,
  chunkHit,
  fakeDeps,
  fakeRepositories,
  readyDocument,
} from './pipeline.test-helpers.js';

const passages = [
  chunkHit('Glycolysis splits one glucose molecule into two pyruvate molecules.', {
    pageStart: 4,
    pageEnd: 4,
  }),
  chunkHit('It takes place in the cytoplasm of the cell.', { pageStart: 5, pageEnd: 5 }),
];
const followUp = answerRequest(
  'tell me more',
  answeredWith('What is glycolysis?', 'It splits glucose [1].', passages),
);
const signal = () => new AbortController().signal;

async function contextOf(
  request: ReturnType<typeof answerRequest>,
  deps: ReturnType<typeof fakeDeps>,
  offline: boolean,
) {
  const plan = await planAnswer(deps, request, offline);
  return gatherContext(deps, plan, request, { offline, signal: signal() });
}

describe('gatherContext', () => {
  it('reads nothing in a scope without material, and says so in the sources', async () => {
    const context = await contextOf(answerRequest('What is ATP?'), fakeDeps(), false);
    expect(context).toMatchObject({ passages: [], coverage: 'no_material', grounded: null, mode: null });
    expect(sourcesEvent(context)).toEqual({
      type: 'sources',
      citations: [],
      chunkReferences: [],
      coverage: 'no_material',
    });
  });

  it('grounds a follow-up on its previous passages, cited in order', async () => {
    const deps = fakeDeps(fakeRepositories({ chunks: passages }));
    const context = await contextOf(followUp, deps, false);
    expect(context).toMatchObject({ coverage: 'grounded', mode: 'previous', grounded: null });
    const sources = sourcesEvent(context);
    expect(sources.citations.map((c) => [c.n, c.page])).toEqual([
      [1, 4],
      [2, 5],
    ]);
    expect(sources.chunkReferences.map((r) => r.chunkId)).toEqual(passages.map((p) => p.chunkId));
  });

  it('composes the offline answer up front, its citations in the sources', async () => {
    const deps = fakeDeps(fakeRepositories({ chunks: passages }));
    const context = await contextOf(followUp, deps, true);
    expect(context.coverage).toBe('grounded');
    expect(context.grounded?.citations.length).toBeGreaterThan(0);
    expect(sourcesEvent(context).citations).toEqual(context.grounded?.citations);
  });

  it('finds a question not covered when the search finds nothing', async () => {
    const deps = fakeDeps(fakeRepositories({ documents: [readyDocument()] }));
    const context = await contextOf(answerRequest('What is the Krebs cycle?'), deps, false);
    expect(context).toMatchObject({ coverage: 'not_covered', passages: [] });
  });

  it('rejects with the abort reason while a search that ignores the signal still runs', async () => {
    const repos = fakeRepositories({ documents: [readyDocument()] });
    const deps = fakeDeps({
      ...repos,
      chunks: { ...repos.chunks, fullTextSearch: () => new Promise(() => {}) },
    });
    const request = answerRequest('What is the Krebs cycle?');
    const plan = await planAnswer(deps, request, false);
    const controller = new AbortController();
    const gathering = gatherContext(deps, plan, request, { offline: false, signal: controller.signal });
    controller.abort(CANCELLED);
    await expect(gathering).rejects.toBe(CANCELLED);
  });
});
