import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ScopeDocument } from '@classchat/db';
import { lastAnswerReferences, planAnswer } from './plan.js';
import {
  answeredWith,
  answerRequest,
  chunkHit,
  fakeRepositories,
  readyDocument,
} from './pipeline.test-helpers.js';

const passage = chunkHit('Glycolysis splits glucose into two pyruvate molecules.');
const history = answeredWith('What is glycolysis?', 'It splits glucose [1].', [passage]);

describe('planAnswer', () => {
  it('trims the history to the route’s budget once, when it is first read', async () => {
    const repos = fakeRepositories({ documents: [readyDocument()] });
    const long = answeredWith('What is glycolysis?', `It splits glucose ${'word '.repeat(5000)}[1].`, [
      passage,
    ]);
    const plan = await planAnswer(repos, answerRequest('And fermentation?', long), false);
    expect(plan.history).toBe(plan.history);
    expect(plan.history.messages.map((m) => m.role)).toEqual(['assistant']);
    expect(plan.history.tokens).toBeLessThanOrEqual(plan.cfg.historyTokens);
  });

  it('plans a follow-up on the passages its last answer was given, without listing the scope', async () => {
    let listed = 0;
    const repos = fakeRepositories({ chunks: [passage] });
    const documents: typeof repos.documents = {
      listInScope(scope) {
        listed += 1;
        return repos.documents.listInScope(scope);
      },
    };
    const plan = await planAnswer({ ...repos, documents }, answerRequest('tell me more', history), false);
    expect(plan).toMatchObject({
      route: 'follow_up',
      previous: [passage],
      documents: null,
      noMaterial: false,
    });
    expect(plan.searches).toBe(false);
    expect(listed).toBe(0);
  });

  it('answers a follow-up as a new question when its previous passages are gone', async () => {
    const repos = fakeRepositories({ chunks: [], documents: [readyDocument()] });
    const plan = await planAnswer(repos, answerRequest('tell me more', history), false);
    expect(plan.route).toBe('general_qa');
    expect(plan.previous).toEqual([]);
    expect(plan.documents).toHaveLength(1);
    expect(plan.searches).toBe(true);
  });

  it('marks a scope without a ready document as having no material, and plans no search', async () => {
    const processing: ScopeDocument = { ...readyDocument(), status: 'processing' };
    const plan = await planAnswer(
      fakeRepositories({ documents: [processing] }),
      answerRequest('What is ATP?'),
      false,
    );
    expect(plan).toMatchObject({ route: 'general_qa', noMaterial: true, searches: false });
  });

  it('plans no question search for a route that spreads over the scope', async () => {
    const plan = await planAnswer(
      fakeRepositories({ documents: [readyDocument()] }),
      answerRequest('Summarize the material'),
      false,
    );
    expect(plan).toMatchObject({ route: 'summary', searches: false });
  });

  it('takes the route settings for an answer without a model', async () => {
    const repos = fakeRepositories({ documents: [readyDocument()] });
    const online = await planAnswer(repos, answerRequest('Summarize the material'), false);
    const offline = await planAnswer(repos, answerRequest('Summarize the material'), true);
    expect(offline.cfg.contextTokens).toBeGreaterThan(online.cfg.contextTokens);
  });

  it('keeps the history as role and content only', async () => {
    const plan = await planAnswer(
      fakeRepositories({ documents: [readyDocument()] }),
      answerRequest('And what is ATP?', history),
      false,
    );
    expect(plan.history.messages).toEqual(history.map(({ role, content }) => ({ role, content })));
  });
});

describe('lastAnswerReferences', () => {
  it('finds the chunk references of the last answer', () => {
    const ref = { chunkId: randomUUID(), documentId: randomUUID(), fileName: 'x', pageStart: 1, pageEnd: 1 };
    expect(
      lastAnswerReferences([
        { role: 'assistant', content: 'old', chunkReferences: [] },
        { role: 'user', content: 'q', chunkReferences: [] },
        { role: 'assistant', content: 'a', chunkReferences: [ref] },
        { role: 'user', content: 'tell me more', chunkReferences: [] },
      ]),
    ).toEqual([ref]);
    expect(lastAnswerReferences([])).toEqual([]);
  });
});
