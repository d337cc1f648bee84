/**
 * The stream benchmark's users, in their own process (forked by `compare.ts`, talking over IPC):
 * one Socket.IO client per user, each running streams back to back against the product (POST
 * /api/v1/chat/new, tokens on the socket) or a peer (a socket `ask`). Per stream it checks seqs
 * (none skipped, none twice) and the received text against what the upstream sent, and times every
 * token against the upstream's write.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import type { FromLoadgen, LoadResult } from './load-protocol.js';
import { LoadPlan, ToLoadgen } from './load-protocol.js';
import { summarize } from './stats.js';
import { deliveredTokens, markedQuestion, upstreamRecords } from './upstream-records.js';

interface ClientStream {
  streamId: string;
  startAt: number;
  firstTokenAt: number;
  tokenAt: number[];
  tokenEnds: number[];
  text: string;
  lastSeq: number;
  lost: number;
  duplicated: number;
  error: string | null;
  ended: boolean;
  firstToken: () => void;
  done: () => void;
}

const live = new Map<string, ClientStream>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function onToken(e: { streamId: string; seq: number; token: string }): void {
  const s = live.get(e.streamId);
  if (!s) return;
  if (e.seq <= s.lastSeq) {
    s.duplicated++;
    return;
  }
  s.lost += e.seq - s.lastSeq - 1;
  s.lastSeq = e.seq;
  const at = performance.now();
  if (s.tokenAt.length === 0) {
    s.firstTokenAt = at;
    s.firstToken();
  }
  s.text += e.token;
  s.tokenAt.push(at);
  s.tokenEnds.push(s.text.length);
}

function onEnd(e: { streamId: string; error?: string }): void {
  const s = live.get(e.streamId);
  if (!s) return;
  if (e.error !== undefined) s.error = e.error;
  s.done();
}

function connect(url: string, token: string | undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, {
      ...(token ? { auth: { token } } : {}),
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 1000,
    });
    socket.on('chat-stream-token', onToken);
    socket.on('chat-stream-complete', onEnd);
    socket.on('chat-stream-error', (e: { streamId: string; error: string }) => onEnd(e));
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

interface Probes {
  tried: number;
  refused409: number;
  afterEnd: number;
  other: string[];
}

async function postChat(target: string, token: string, body: object): Promise<Response> {
  return fetch(`${target}/api/v1/chat/new`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

/**
 * Starts a product stream; with a probe target, asks again in its session once it runs. With several
 * apis, every other stream of a client is started through an api its socket is not connected to,
 * so its tokens reach the socket across processes.
 */
async function startProduct(
  plan: LoadPlan,
  at: { client: number; wave: number },
  s: ClientStream,
  probes: Probes,
  first: Promise<void>,
  socket: Socket,
) {
  const user = plan.users[at.client]!;
  const n = plan.targets.length;
  const target = plan.targets[(at.client + at.wave) % n]!;
  const message = markedQuestion(s.streamId);
  const res = await postChat(target, user.token, { message, classId: user.classId, streamId: s.streamId });
  const body = (await res.json()) as { chatSessionId?: string };
  if (res.status !== 202) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body).slice(0, 120)}`);
  if (!plan.probeConflicts || !body.chatSessionId) return;
  await first;
  if (s.lastSeq === 0) return;
  const other = plan.targets[(at.client + at.wave + 1) % n]!;
  probes.tried++;
  const again = await postChat(other, user.token, { message: 'And why?', chatSessionId: body.chatSessionId });
  // An accepted second question is stopped at once: it is not part of the load.
  if (again.status === 202) {
    const accepted = (await again.clone().json()) as { streamId?: string };
    if (accepted.streamId) socket.emit('chat-stream-cancel', { streamId: accepted.streamId });
  }
  if (again.status === 409) probes.refused409++;
  else if (s.ended) probes.afterEnd++;
  else probes.other.push(`HTTP ${again.status}: ${(await again.text()).slice(0, 120)}`);
}

async function oneStream(
  plan: LoadPlan,
  at: { client: number; wave: number },
  socket: Socket,
  streams: ClientStream[],
  probes: Probes,
) {
  let done!: () => void;
  let firstToken!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const first = new Promise<void>((r) => (firstToken = r));
  const s: ClientStream = {
    streamId: randomUUID(),
    startAt: performance.now(),
    firstTokenAt: Number.NaN,
    tokenAt: [],
    tokenEnds: [],
    text: '',
    lastSeq: 0,
    lost: 0,
    duplicated: 0,
    error: null,
    ended: false,
    firstToken,
    done: () => {
      s.ended = true;
      firstToken();
      done();
    },
  };
  live.set(s.streamId, s);
  streams.push(s);
  try {
    if (plan.path === 'product') await startProduct(plan, at, s, probes, first, socket);
    else socket.emit('ask', { streamId: s.streamId, message: markedQuestion(s.streamId) });
    // Cleared once the stream ends: a timer left behind would mark a finished stream as timed out.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        s.error ??= 'client timeout';
        resolve();
      }, plan.streamTimeoutMs);
    });
    await Promise.race([finished, timeout]);
    clearTimeout(timer);
  } catch (err) {
    s.error = String(err);
  } finally {
    live.delete(s.streamId);
  }
}

async function run(plan: LoadPlan, sockets: Socket[]): Promise<{ streams: ClientStream[]; probes: Probes }> {
  const streams: ClientStream[] = [];
  const probes: Probes = { tried: 0, refused409: 0, afterEnd: 0, other: [] };
  await Promise.all(
    sockets.map(async (socket, i) => {
      await sleep((i / sockets.length) * plan.spreadMs);
      for (let k = 0; k < plan.perClient; k++) {
        if (k > 0 && plan.gapMs > 0) await sleep(plan.gapMs);
        await oneStream(plan, { client: i, wave: k }, socket, streams, probes);
      }
    }),
  );
  return { streams, probes };
}

/** Every stream against the upstream's record of it. */
async function evaluate(plan: LoadPlan, streams: ClientStream[]) {
  const { timeOrigin, forStream } = await upstreamRecords(plan.upstreamOrigin);
  const added: number[] = [];
  const relay: number[] = [];
  const arrivals: number[] = [];
  /** Per token: epoch ms of its upstream write and receipt, and its index in the answer (with `tokenLogPath`). */
  const epochs: number[] = [];
  const errors = new Map<string, number>();
  let textMismatch = 0;
  let tokenEvents = 0;
  for (const s of streams) {
    if (s.error) {
      const key = s.error.slice(0, 120);
      errors.set(key, (errors.get(key) ?? 0) + 1);
      continue;
    }
    const rec = forStream(s.streamId);
    if (!rec || rec.firstTokenAt === null || s.text !== rec.tokensSent.join('')) textMismatch++;
    if (!rec || rec.firstTokenAt === null || !Number.isFinite(s.firstTokenAt)) continue;
    added.push(s.firstTokenAt - s.startAt - (rec.firstTokenAt - rec.startedAt));
    tokenEvents += s.tokenAt.length;
    deliveredTokens(s, rec, timeOrigin).forEach((t, index) => {
      relay.push(t.latencyMs);
      arrivals.push(t.arrivedAt);
      if (plan.tokenLogPath) {
        const at = performance.timeOrigin + t.arrivedAt;
        epochs.push(at - t.latencyMs, at, index);
      }
    });
  }
  if (plan.tokenLogPath) writeFileSync(plan.tokenLogPath, Float64Array.from(epochs));
  return { added, relay, errors, textMismatch, tokenEvents, steadyTokensPerS: middleRate(arrivals) };
}

/** Tokens per second over the middle half of the time tokens arrived in (past the ramp up and down). */
function middleRate(arrivals: number[]): number {
  if (arrivals.length < 2) return Number.NaN;
  let first = Infinity;
  let last = -Infinity;
  for (const t of arrivals) {
    first = Math.min(first, t);
    last = Math.max(last, t);
  }
  const from = first + (last - first) / 4;
  const to = last - (last - first) / 4;
  const inside = arrivals.filter((t) => t >= from && t <= to).length;
  return to > from ? inside / ((to - from) / 1000) : Number.NaN;
}

function nextMessage<T extends ToLoadgen['type']>(type: T): Promise<Extract<ToLoadgen, { type: T }>> {
  return new Promise((resolve) => {
    const listener = (raw: unknown) => {
      const message = ToLoadgen.parse(raw);
      if (message.type !== type) return;
      process.off('message', listener);
      resolve(message as Extract<ToLoadgen, { type: T }>);
    };
    process.on('message', listener);
  });
}

const send = (message: FromLoadgen) => process.send!(message);

const { plan } = await nextMessage('plan');
LoadPlan.parse(plan);
const sockets: Socket[] = [];
for (let i = 0; i < plan.concurrency; i += 50) {
  const batch = Array.from({ length: Math.min(50, plan.concurrency - i) }, (_, k) =>
    connect(plan.targets[(i + k) % plan.targets.length]!, plan.users[i + k]?.token),
  );
  sockets.push(...(await Promise.all(batch)));
}
send({ type: 'connected' });
await nextMessage('go');
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const cpu0 = process.cpuUsage();
const { streams, probes } = await run(plan, sockets);
const cpu = process.cpuUsage(cpu0);
lag.disable();
send({ type: 'finished' });
for (const socket of sockets) socket.disconnect();
const { added, relay, errors, textMismatch, tokenEvents, steadyTokensPerS } = await evaluate(plan, streams);
const result: LoadResult = {
  streams: streams.length,
  failed: streams.filter((s) => s.error).length,
  errors: [...errors].map(([e, n]) => `${n}× ${e}`),
  tokens: relay.length,
  tokenEvents,
  steadyTokensPerS,
  textMismatch,
  lostSeqs: streams.reduce((a, s) => a + s.lost, 0),
  duplicateSeqs: streams.reduce((a, s) => a + s.duplicated, 0),
  addedTtft: summarize(added),
  relay: summarize(relay),
  probes,
  cpuS: (cpu.user + cpu.system) / 1e6,
  loopLagP99Ms: lag.percentile(99) / 1e6,
};
// Exit once the result is handed over: pooled HTTP connections and socket timers must not keep an
// idle load generator alive after its phase.
process.send!({ type: 'result', result } satisfies FromLoadgen, () => process.exit(0));
