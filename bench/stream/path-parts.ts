/**
 * CPU of single parts of the stream path, each measured alone in this process (`process.cpuUsage`,
 * so other work on the machine counts far less than in the end-to-end `compare.ts`), the old way
 * against the new one, interleaved, several rounds:
 *
 *   - a session token checked per request: jose's `jwtVerify` every time, against the token service
 *     (which checks a token's signature once, then knows it until it expires);
 *   - a stream's chunks read one at a time, as they arrive (one per macrotask, as a socket delivers
 *     a token): `Readable`'s async iterator against `chunksOf` ('data' events).
 *
 *   npm run path-parts -w bench
 */
import { PassThrough } from 'node:stream';
import { createTokenService } from '@classchat/api';
import { chunksOf } from '@classchat/service';
import { jwtVerify } from 'jose';

const SECRET = 's'.repeat(32);
const ROUNDS = 5;

/** CPU µs per operation of `run(n)`. */
async function cpuPerOp(n: number, run: (n: number) => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await run(n);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

async function main(): Promise<void> {
  const tokens = createTokenService(SECRET, 3600);
  const key = new TextEncoder().encode(SECRET);
  const users = Array.from({ length: 200 }, (_, i) => `user-${i}`);
  const signed = await Promise.all(users.map((u) => tokens.sign(u)));

  const jose = async (n: number) => {
    for (let i = 0; i < n; i++) await jwtVerify(signed[i % signed.length]!, key, { algorithms: ['HS256'] });
  };
  const service = async (n: number) => {
    for (let i = 0; i < n; i++) await tokens.claims(signed[i % signed.length]!);
  };

  /** `n` chunks written one per macrotask, read by `read`. */
  const chunks = (read: (s: PassThrough) => AsyncIterable<unknown>) => async (n: number) => {
    const stream = new PassThrough();
    let written = 0;
    const write = () => {
      if (written++ < n) {
        stream.write('data: {"type":"token","content":" word"}\n\n');
        setImmediate(write);
      } else stream.end();
    };
    setImmediate(write);
    let seen = 0;
    for await (const _ of read(stream)) seen++;
    if (seen === 0) throw new Error('nothing read');
  };
  const iterator = chunks((s) => s.iterator({ destroyOnReturn: false }));
  const flowing = chunks((s) => chunksOf(s));
  const idle = chunks((s) => chunksOf(s)); // warm-up twin of `flowing`

  await cpuPerOp(2_000, jose);
  await cpuPerOp(2_000, service);
  await cpuPerOp(20_000, iterator);
  await cpuPerOp(20_000, idle);

  const table: Record<string, number[]> = {
    'token check: jwtVerify (µs per request)': [],
    'token check: token service (µs per request)': [],
    'chunk read: Readable iterator (µs per chunk, incl. the writer)': [],
    'chunk read: chunksOf (µs per chunk, incl. the writer)': [],
  };
  const rows = Object.values(table);
  for (let r = 0; r < ROUNDS; r++) {
    rows[0]!.push(await cpuPerOp(5_000, jose));
    rows[1]!.push(await cpuPerOp(5_000, service));
    rows[2]!.push(await cpuPerOp(50_000, iterator));
    rows[3]!.push(await cpuPerOp(50_000, flowing));
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  console.log('| part | median | rounds |\n| --- | --- | --- |');
  for (const [name, v] of Object.entries(table)) {
    console.log(`| ${name} | ${median(v).toFixed(2)} | ${v.map((x) => x.toFixed(2)).join(', ')} |`);
  }
}

await main();
