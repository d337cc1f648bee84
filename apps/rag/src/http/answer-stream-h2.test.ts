import { randomUUID } from 'node:crypto';
import http2, { type ClientHttp2Session } from 'node:http2';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSse, INTERNAL_TOKEN_HEADER, RagStreamEvent } from '@classchat/contracts';
import { INTERNAL_TOKEN, startCellBiologyRag, type AnswerHarness } from '../answer.test-helpers.js';
import type { RunningRag } from '../server.js';
import { ANSWER_STREAM_PATH } from './answer-stream-h2.js';

let h: AnswerHarness;
let rag: RunningRag;
let userId: string;
let session: ClientHttp2Session;

beforeAll(async () => {
  ({ h, rag, userId } = await startCellBiologyRag());
  session = http2.connect(rag.url);
});
afterAll(async () => {
  session?.close();
  await h?.stop();
});

/** POSTs over the shared HTTP/2 connection; the status and the whole body. */
async function post(
  path: string,
  body: unknown,
  token: string | null = INTERNAL_TOKEN,
): Promise<{ status: number; text: string }> {
  const stream = session.request({
    ':method': 'POST',
    ':path': path,
    'content-type': 'application/json',
    ...(token ? { [INTERNAL_TOKEN_HEADER]: token } : {}),
  });
  stream.end(JSON.stringify(body));
  const headers = await new Promise<http2.IncomingHttpHeaders>((resolve) =>
    stream.once('response', (responseHeaders) => resolve(responseHeaders)),
  );
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return { status: Number(headers[':status']), text };
}

const question = (user_query = 'What is glycolysis?') => ({
  user_id: userId,
  user_query,
  session_id: randomUUID(),
});

describe('rag over cleartext HTTP/2 (the api’s answer streams)', () => {
  it('serves HTTP/1.1 and HTTP/2 on the same port', async () => {
    const health = await fetch(`${rag.url}/healthz`);
    expect(health.status).toBe(200);
    h.upstream.enqueue({ tokens: ['Glycolysis', ' splits', ' glucose', ' [1].'] });
    const { status, text } = await post(ANSWER_STREAM_PATH, question());
    expect(status).toBe(200);
    const events: RagStreamEvent[] = [];
    for await (const e of decodeSse(Readable.from([text]), RagStreamEvent)) events.push(e);
    expect(events.map((e) => e.type)).toEqual([
      'route',
      'sources',
      'token',
      'token',
      'token',
      'token',
      'done',
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'done', content: 'Glycolysis splits glucose 【1】.' });
  });

  it('answers concurrent streams on one connection', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(ANSWER_STREAM_PATH, question())));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 10 }, () => 200));
    expect(answers.every((a) => a.text.includes('"type":"done"'))).toBe(true);
  });

  it('refuses a missing internal token, an invalid body and an unknown path with JSON errors', async () => {
    const noToken = await post(ANSWER_STREAM_PATH, question(), null);
    expect(noToken.status).toBe(401);
    expect(JSON.parse(noToken.text)).toMatchObject({ code: 'unauthorized' });
    const invalid = await post(ANSWER_STREAM_PATH, { user_query: '' });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.text)).toMatchObject({ code: 'invalid_input' });
    const unknown = await post('/api/v1/semantic_search', question());
    expect(unknown.status).toBe(404);
  });

  it('stops the model call when the caller resets its stream', async () => {
    h.upstream.reset();
    h.upstream.enqueue({ hang: true });
    const stream = session.request({
      ':method': 'POST',
      ':path': ANSWER_STREAM_PATH,
      'content-type': 'application/json',
      [INTERNAL_TOKEN_HEADER]: INTERNAL_TOKEN,
    });
    stream.end(JSON.stringify(question()));
    const [chat] = await h.upstream.waitForRequests(1, { kind: 'chat' });
    stream.close(http2.constants.NGHTTP2_CANCEL);
    expect((await chat!.settled).clientDisconnected).toBe(true);
  });
});
