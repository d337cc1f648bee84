import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentDto } from '@classchat/contracts';
import { startStack, type Stack } from '@classchat/testkit';
import { call, signup, uploadOk, waitForTerminal, type TestUser } from '../testing/api-client.js';

/**
 * Course notes of about `tokens` tokens: ~120 chunks of ~800 tokens for 100k. Each document's text
 * differs (`label`), so uploads are never duplicates.
 */
function longNotes(label: string, tokens: number): { fileName: string; bytes: Buffer } {
  const words = ['enzyme', 'membrane', 'gradient', 'ribosome', 'osmosis', 'catalyst', 'allele', 'vesicle'];
  const sentences: string[] = [];
  // A sentence of this shape is about 16 tokens.
  for (let i = 0; sentences.length * 16 < tokens; i++) {
    const w = (k: number) => words[(i * 7 + k * 3) % words.length];
    sentences.push(`Note ${label}-${i}: the ${w(1)} moves the ${w(2)} across a ${w(3)} near the ${w(4)}.`);
  }
  return { fileName: `${label}.txt`, bytes: Buffer.from(sentences.join(' '), 'utf8') };
}

const statusOf = async (user: TestUser, id: string) =>
  ((await call(stack.apiUrl, user, 'GET', `/documents/${id}`)).body as DocumentDto).status;

let stack: Stack;
beforeAll(async () => {
  // 60k tokens per minute: one 64-chunk embeddings batch (~51k tokens) of a long document fits, its
  // next batch waits for the window to slide (a minute), a one-line file's few tokens still fit.
  stack = await startStack({ rag: { OPENAI_TPM_LIMIT: '60000' } });
});
afterAll(async () => {
  await stack?.stop();
});

describe('ingestion is fair across students', () => {
  it("one student's two long uploads, stuck behind the tokens-per-minute budget, do not hold up another student's one-line file", async () => {
    const hoarder = await signup(stack.apiUrl, 'Hoarder');
    const first = await uploadOk(stack.apiUrl, hoarder, longNotes('first', 100_000));
    const second = await uploadOk(stack.apiUrl, hoarder, longNotes('second', 100_000));
    const other = await signup(stack.apiUrl, 'Other');
    const oneLine = await uploadOk(stack.apiUrl, other, {
      fileName: 'reminder.txt',
      bytes: Buffer.from('Quiz on Friday: chapters 4 and 5 (osmosis and enzymes).\n'),
    });

    expect(await waitForTerminal(stack.apiUrl, other, oneLine.id)).toMatchObject({
      status: 'ready',
      chunkCount: 1,
    });
    // Meanwhile the hoarder's first document waits for the budget, and their second for its turn.
    expect(await statusOf(hoarder, first.id)).toBe('processing');
    expect(await statusOf(hoarder, second.id)).toBe('uploaded');

    for (const doc of [first, second]) {
      expect((await call(stack.apiUrl, hoarder, 'DELETE', `/documents/${doc.id}`)).status).toBe(204);
    }
  }, 120_000);
});
