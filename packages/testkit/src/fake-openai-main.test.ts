import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticTokens } from './fake-openai/text.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const main = fileURLToPath(new URL('./fake-openai-main.ts', import.meta.url));

let child: ChildProcess;
let ready: { event: string; url: string; port: number };

beforeAll(async () => {
  child = spawn(process.execPath, ['--conditions=@classchat/source', '--import', 'tsx', main], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: '0',
      FAKE_FIRST_TOKEN_DELAY_MS: '100',
      FAKE_TOKEN_DELAY_MS: '2',
      FAKE_REPLY_TOKENS: '40',
      FAKE_EMBEDDING_DIMENSIONS: '64',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await Promise.race([
    once(child.stdout!, 'data'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`fake-openai-main exited with ${String(code)} before it was ready`);
    }),
  ])) as [Buffer];
  ready = JSON.parse(line.toString('utf8').split('\n')[0]!) as typeof ready;
});

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

describe('fake-openai-main (the fake upstream as a process)', () => {
  it('prints a ready line with the /v1 base URL', () => {
    expect(ready.event).toBe('ready');
    expect(ready.url).toBe(`http://127.0.0.1:${ready.port}/v1`);
  });

  it('streams the configured answer after the configured first-token delay', async () => {
    const client = new OpenAI({ apiKey: 'test', baseURL: ready.url, maxRetries: 0 });
    const started = performance.now();
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const tokens: string[] = [];
    let firstAt = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content;
      if (content) {
        firstAt ||= performance.now();
        tokens.push(content);
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(tokens).toEqual(syntheticTokens(40));
    expect(firstAt - started).toBeGreaterThanOrEqual(99);
    expect(usage?.completion_tokens).toBe(40);
    const embedding = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
    expect(embedding.data[0]!.embedding).toHaveLength(64);
  });

  it('takes scripts and reports requests over its control API', async () => {
    const origin = new URL(ready.url).origin;
    const enqueue = await fetch(`${origin}/_fake/enqueue`, {
      method: 'POST',
      body: JSON.stringify([
        { fail: { status: 429 } },
        { reply: 'scripted over HTTP', firstTokenDelayMs: 0 },
      ]),
    });
    expect(enqueue.status).toBe(200);
    const client = new OpenAI({ apiKey: 'test', baseURL: ready.url, maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'q' }] })
      .catch((e: unknown) => e);
    expect((error as APIError).status).toBe(429);
    const ok = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'q' }],
    });
    expect(ok.choices[0]!.message.content).toBe('scripted over HTTP');

    const dump = (await (await fetch(`${origin}/_fake/requests`)).json()) as {
      timeOrigin: number;
      requests: Array<{ kind: string; status: number; outcome: string }>;
    };
    expect(dump.timeOrigin).toBeGreaterThan(0);
    expect(dump.requests.filter((r) => r.kind === 'chat').map((r) => r.status)).toEqual([200, 429, 200]);

    await fetch(`${origin}/_fake/reset`, { method: 'POST' });
    const after = (await (await fetch(`${origin}/_fake/requests`)).json()) as { requests: unknown[] };
    expect(after.requests).toEqual([]);
  });

  it('exits cleanly on SIGTERM', async () => {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });
});
