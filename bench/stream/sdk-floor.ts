/**
 * What consuming model streams costs by itself, before any of our code: the CPU the official openai
 * SDK needs per streamed token (rag's production path) against reading the same SSE with node:http
 * and JSON.parse, at the stream relay benchmark's 200 and 500 concurrent streams of 50 tokens/s; and
 * one SDK request's round trip, back to back and after 200 ms of idleness. The consumer is this
 * process (its own CPU is measured); the fake upstream runs as a separate process.
 *
 *   node --conditions=@classchat/source --import tsx bench/stream/sdk-floor.ts   # appends a section to RESULTS.md
 *
 * It bounds bench/stream/run.ts: rag's CPU per token cannot fall below the SDK's own.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import OpenAI from 'openai';
import { readDeltas } from './chat-deltas.js';
import { repoRoot, startService } from './procs.js';
import { fmt, percentile } from './stats.js';

const TOKENS = 200;
const TOKEN_DELAY_MS = 20;
const TIERS = [200, 500];
const ROUND_TRIPS = 40;

const outDir = join(repoRoot, 'bench/output/stream');
mkdirSync(outDir, { recursive: true });
const log = (msg: string) => process.stderr.write(`[sdk-floor] ${msg}\n`);

const fake = await startService({
  name: 'fake-upstream',
  entry: 'packages/testkit/src/fake-openai-main.ts',
  env: {
    PORT: '0',
    FAKE_TOKEN_DELAY_MS: String(TOKEN_DELAY_MS),
    FAKE_REPLY_TOKENS: String(TOKENS),
    FAKE_MAX_RECORDED: '10',
  },
  ready: /"url":"([^"]+)"/,
  logPath: join(outDir, 'sdk-floor-upstream.log'),
});
const baseURL = fake.ready[1]!;
const sdk = new OpenAI({ apiKey: 'bench', baseURL, maxRetries: 0 });
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
const chatBody = { model: 'bench', messages: [{ role: 'user' as const, content: 'Explain osmosis.' }] };

/** One streamed answer through the SDK; resolves with the text tokens seen. */
async function sdkStream(): Promise<number> {
  const stream = await sdk.chat.completions.create({
    ...chatBody,
    stream: true,
    stream_options: { include_usage: true },
  });
  let tokens = 0;
  for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) tokens++;
  return tokens;
}

/** The same answer read with node:http: split on blank lines, JSON.parse each `data:` line. */
function rawStream(): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseURL}/chat/completions`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        let tokens = 0;
        readDeltas(res, { token: () => tokens++, end: () => resolve(tokens), error: reject });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ ...chatBody, stream: true }));
  });
}

interface Consumption {
  reader: string;
  streams: number;
  tokens: number;
  cpuUsPerToken: number;
  /** CPU this reader would need for `streams` × 50 tokens/s, in cores. */
  coresAt50TokensPerS: number;
  wallS: number;
  lagP99Ms: number;
}

async function consume(reader: string, read: () => Promise<number>, streams: number): Promise<Consumption> {
  await Promise.all(Array.from({ length: 20 }, read)); // warm up: JIT, connections
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const counts = await Promise.all(Array.from({ length: streams }, read));
  const cpu = process.cpuUsage(cpu0);
  const wallS = (performance.now() - t0) / 1000;
  lag.disable();
  const tokens = counts.reduce((a, b) => a + b, 0);
  if (tokens !== streams * TOKENS)
    throw new Error(`${reader}: ${tokens} tokens, expected ${streams * TOKENS}`);
  const cpuUsPerToken = (cpu.user + cpu.system) / tokens;
  return {
    reader,
    streams,
    tokens,
    cpuUsPerToken,
    coresAt50TokensPerS: (streams * (1000 / TOKEN_DELAY_MS) * cpuUsPerToken) / 1e6,
    wallS,
    lagP99Ms: lag.percentile(99) / 1e6,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** p50 / p90 ms of one non-streamed SDK request (an embedding), `idleMs` apart. */
async function roundTrips(idleMs: number): Promise<{ idleMs: number; p50: number; p90: number }> {
  const times: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    if (idleMs) await sleep(idleMs);
    const t0 = performance.now();
    await sdk.embeddings.create({
      model: 'bench',
      input: 'What does the mitochondrion do?',
      dimensions: 512,
    });
    times.push(performance.now() - t0);
  }
  return { idleMs, p50: percentile(times, 50), p90: percentile(times, 90) };
}

const consumption: Consumption[] = [];
try {
  for (const streams of TIERS) {
    for (const [reader, read] of [
      ['openai SDK', sdkStream],
      ['node:http + JSON.parse', rawStream],
    ] as const) {
      log(`${reader}, ${streams} streams`);
      consumption.push(await consume(reader, read, streams));
    }
  }
  const trips = [await roundTrips(0), await roundTrips(200)];

  const report = [
    '',
    `## Model stream consumption floor — \`bench/stream/sdk-floor.ts\` (${new Date().toISOString()})`,
    '',
    '```bash',
    'node --conditions=@classchat/source --import tsx bench/stream/sdk-floor.ts',
    '```',
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}, Node ${process.version}. This process reads`,
    `answers of ${TOKENS} tokens at ${1000 / TOKEN_DELAY_MS} tokens/s from the fake upstream (its own process), all streams at once;`,
    'CPU is this process only (user + system).',
    '',
    '| reader | streams at once | tokens | CPU µs per token | cores needed at 50 tokens/s per stream | wall s | loop lag p99 ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...consumption.map(
      (c) =>
        `| ${c.reader} | ${c.streams} | ${c.tokens} | ${fmt(c.cpuUsPerToken)} | ${fmt(c.coresAt50TokensPerS, 2)} | ` +
        `${fmt(c.wallS)} | ${fmt(c.lagP99Ms)} |`,
    ),
    '',
    '| one SDK request (an embedding) | p50 ms | p90 ms |',
    '| --- | --- | --- |',
    ...trips.map(
      (t) =>
        `| ${t.idleMs ? `after ${t.idleMs} ms idle` : 'back to back'} | ${fmt(t.p50, 2)} | ${fmt(t.p90, 2)} |`,
    ),
    '',
  ].join('\n');
  process.stdout.write(report);
  appendFileSync(join(repoRoot, 'bench/RESULTS.md'), report);
} finally {
  agent.destroy();
  await fake.stop();
}
