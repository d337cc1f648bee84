/**
 * Red-team harness: the real services as separate processes (rag and api from their sources, the
 * embedded database in this process), a probe process polling both /healthz and sampling RSS, and
 * a list of hostile uploads and requests run one after the other. Prints one JSON line per attack.
 * Usage: `npm run redteam -w bench -- [filter]` (a substring of the attack names, e.g. `upload:` or `socket:`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import {
  deeplyNestedDocx,
  deepOutlinePdf,
  docxBomb,
  madeUpWords,
  startApiProcess,
  startRagProcess,
  startTestDatabase,
} from '@classchat/testkit';
import {
  circularPdf,
  countLiePdf,
  deepArrayPdf,
  hugeFontAndImagePdf,
  manyItemsPdf,
  tinyPagesPdf,
} from './pdf.js';

const MB = 1024 * 1024;
const filter = process.argv[2] ?? '';
const dataDir = mkdtempSync(join(tmpdir(), 'redteam-'));
const db = await startTestDatabase();
const env = {
  NODE_ENV: 'test',
  DATABASE_URL: db.url,
  DATA_DIR: dataDir,
  INTERNAL_TOKEN: 'redteam-internal',
  HOST: '127.0.0.1',
  PORT: '0',
  SIGNUP_RATE_LIMIT: '1000000',
  INGEST_TIMEOUT_S: process.env.INGEST_TIMEOUT_S ?? '120',
  ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
};
const rag = await startRagProcess(env);
const api = await startApiProcess({ ...env, RAG_URL: rag.url });
const apiUrl = api.url;
const probeOut = join(dataDir, 'probe.jsonl');
const probe: ChildProcess = spawn(
  process.execPath,
  [
    new URL('./probe.mjs', import.meta.url).pathname,
    probeOut,
    apiUrl,
    rag.url,
    `api:${api.child.pid},rag:${rag.child.pid}`,
    '3000',
  ],
  { stdio: 'ignore' },
);

interface User {
  id: string;
  token: string;
  auth: Record<string, string>;
}
async function signup(name: string): Promise<User> {
  const res = await fetch(`${apiUrl}/api/v1/user/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      email: `${name}-${Math.random().toString(36).slice(2)}@ex.edu`,
      password: 'correct horse battery',
    }),
  });
  const body = (await res.json()) as { token: string; user: { id: string } };
  return { id: body.user.id, token: body.token, auth: { authorization: `Bearer ${body.token}` } };
}
async function upload(user: User, fileName: string, bytes: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), fileName);
  const res = await fetch(`${apiUrl}/api/v1/documents`, { method: 'POST', headers: user.auth, body: form });
  return { status: res.status, body: (await res.json()) as { document?: { id: string; fileName: string } } };
}
async function terminal(user: User, id: string, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${apiUrl}/api/v1/documents/${id}`, { headers: user.auth });
    const doc = (await res.json()) as {
      status: string;
      error?: string | null;
      pageCount?: number;
      chunkCount?: number;
      fileName?: string;
    };
    if (doc.status === 'ready' || doc.status === 'failed') return doc;
    if (Date.now() > deadline) return { ...doc, status: `STUCK(${doc.status})` };
    await new Promise((r) => setTimeout(r, 200));
  }
}
async function uploadAndWait(user: User, fileName: string, bytes: Buffer) {
  const t0 = Date.now();
  const up = await upload(user, fileName, bytes);
  if (!up.body.document) return { http: up.status, body: up.body };
  const doc = await terminal(user, up.body.document.id);
  return {
    http: up.status,
    size: bytes.length,
    name: up.body.document.fileName.slice(0, 80),
    nameLength: up.body.document.fileName.length,
    status: doc.status,
    error: doc.error,
    pages: doc.pageCount,
    chunks: doc.chunkCount,
    s: (Date.now() - t0) / 1000,
  };
}

/** Made-up words of 3–8 letters, about `bytes` of them (6.5 bytes a word with its space): none cached by the tokenizer. */
const distinctWords = (bytes: number) => madeUpWords(Math.ceil(bytes / 6.5), 11).join(' ');

type Attack = [name: string, run: (u: User) => Promise<unknown>];
const up = (name: string, bytes: () => Buffer | Promise<Buffer>): Attack => [
  `upload:${name}`,
  async (u) => uploadAndWait(u, name, await bytes()),
];
const attacks: Attack[] = [
  up('tiny-pages-30000.pdf', () => tinyPagesPdf(30_000)),
  up('tiny-pages-1999.pdf', () => tinyPagesPdf(1999)),
  up('count-lie-1e9.pdf', () => countLiePdf(1_000_000_000)),
  up('million-items.pdf', () => manyItemsPdf(1_000_000)),
  up('million-words.pdf', () => manyItemsPdf(300_000, 'word word word word word word word word')),
  up('deep-outline-20000.pdf', () => deepOutlinePdf({ depth: 20_000 }).bytes),
  up('deep-array-200000.pdf', () => deepArrayPdf(200_000)),
  up('circular.pdf', () => circularPdf()),
  up('huge-font-image.pdf', () => hugeFontAndImagePdf(400 * MB, 6000)),
  up('distinct-words-3mb.txt', () => Buffer.from(distinctWords(3 * MB))),
  up('identical-words.txt', () => Buffer.from('word '.repeat(1_560_000))),
  up('identical-words.md', () => Buffer.from('# Notes\n\n' + 'mitochondria '.repeat(600_000))),
  up('one-line-20mb.md', () => Buffer.alloc(20 * MB, 'a')),
  up('one-line-7mb.txt', () => Buffer.alloc(7 * MB, 'a')),
  up('one-line-7mb-spaces.txt', () => Buffer.from('ab '.repeat((7 * MB) / 3))),
  up('invalid-utf8.txt', () =>
    Buffer.concat([
      Buffer.from('Cells make ATP. '),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82]),
      Buffer.from(' More text about the ribosome.\n'.repeat(100)),
    ]),
  ),
  up('nul-bytes.txt', () => Buffer.from('The ribosome\u0000 makes protein.\u0000\n'.repeat(500))),
  up('nul-heavy.md', () => Buffer.from('# T\n\n' + 'a\u0000'.repeat(100_000))),
  up('utf16-no-bom.txt', () => Buffer.from('The ribosome makes protein.\n'.repeat(2000), 'utf16le')),
  up('docx-bomb.docx', () => docxBomb({ unpackedBytes: 1024 * MB })),
  up('docx-bomb-lie.docx', () => docxBomb({ unpackedBytes: 300 * MB, declaredBytes: 1000 })),
  up('deep-xml.docx', async () => (await deeplyNestedDocx({ depth: 100_000 })).bytes),
  [
    `upload:name-5000`,
    (u) => uploadAndWait(u, 'n'.repeat(5000) + '.txt', Buffer.from('The nucleus holds DNA.\n')),
  ],
  [
    `upload:name-path`,
    (u) => uploadAndWait(u, '../../../etc/passwd\\..\\x.txt', Buffer.from('The nucleus holds DNA.\n')),
  ],
  [
    `upload:name-bell-rtl`,
    (u) => uploadAndWait(u, 'a\u0007b\u202Egnp.txt', Buffer.from('The nucleus holds DNA.\n')),
  ],
  [
    `upload:name-ctrl-rtl`,
    (u) => uploadAndWait(u, 'a\u0000b\u0007c\r\nd\u202Egnp.txt', Buffer.from('The nucleus holds DNA.\n')),
  ],
  [
    'api:long-question',
    async (u) => {
      const r = await req(u, 'POST', '/chat/new', { message: 'why '.repeat(250_000) });
      return r.status;
    },
  ],
  [
    'api:deep-json',
    async (u) => {
      const body = '['.repeat(400_000) + ']'.repeat(400_000);
      const r = await fetch(`${apiUrl}/api/v1/chat/new`, {
        method: 'POST',
        headers: { ...u.auth, 'content-type': 'application/json' },
        body,
      });
      return r.status;
    },
  ],
  [
    'api:deep-object-json',
    async (u) => {
      const body = '{"message":"hi","x":' + '{"a":'.repeat(150_000) + '1' + '}'.repeat(150_000) + '}';
      const r = await fetch(`${apiUrl}/api/v1/classes`, {
        method: 'POST',
        headers: { ...u.auth, 'content-type': 'application/json' },
        body,
      });
      return r.status;
    },
  ],
  [
    'api:huge-json-2mb',
    async (u) => {
      const r = await fetch(`${apiUrl}/api/v1/classes`, {
        method: 'POST',
        headers: { ...u.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x'.repeat(2 * MB) }),
      });
      return r.status;
    },
  ],
  [
    'api:many-keys-json',
    async (u) => {
      const o: Record<string, number> = {};
      for (let i = 0; i < 90_000; i++) o[`k${i}`] = i;
      const r = await fetch(`${apiUrl}/api/v1/classes`, {
        method: 'POST',
        headers: { ...u.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'ok', ...o }),
      });
      return r.status;
    },
  ],
  [
    'api:concurrent-chats-200',
    async (u) => {
      const docUp = await upload(
        u,
        'notes.txt',
        Buffer.from('The mitochondrion makes ATP. The ribosome makes protein.\n'),
      );
      await terminal(u, docUp.body.document!.id);
      const statuses = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          req(u, 'POST', '/chat/new', { message: `What makes ATP? ${i}` }).then((r) => r.status),
        ),
      );
      return count(statuses);
    },
  ],
  [
    'api:concurrent-gets-1000',
    async (u) => {
      const statuses = await Promise.all(
        Array.from({ length: 1000 }, () =>
          req(u, 'GET', '/documents').then(
            (r) => r.status,
            () => -1,
          ),
        ),
      );
      return count(statuses);
    },
  ],
  [
    'api:concurrent-uploads-100',
    async (u) => {
      const statuses = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          upload(u, `n${i}.txt`, Buffer.from(`Fact ${i}: cells divide.\n`)).then(
            (r) => r.status,
            () => -1,
          ),
        ),
      );
      const docs = (await req(u, 'GET', '/documents')).body as
        { documents?: Array<{ status: string }> } | Array<{ status: string }>;
      return { upload: count(statuses), docs: JSON.stringify(docs).length };
    },
  ],
  [
    'socket:unknown-events-20000',
    async (u) => {
      const s = await sock(u.token);
      for (let i = 0; i < 20_000; i++) s.emit(`evt${i % 50}`, { x: 'y'.repeat(100) });
      const ok = await healthyAfter(s);
      s.disconnect();
      return ok;
    },
  ],
  [
    'socket:resume-flood',
    async (u) => {
      const s = await sock(u.token);
      const acks: unknown[] = [];
      await Promise.all(
        Array.from({ length: 2000 }, (_, i) =>
          s
            .timeout(10_000)
            .emitWithAck('chat-stream-resume', {
              streamId: crypto.randomUUID(),
              afterSeq: i % 2 ? Number.MAX_SAFE_INTEGER : 1e300,
            })
            .then(
              (a) => acks.push(a),
              (e) => acks.push(String(e)),
            ),
        ),
      );
      const ok = await healthyAfter(s);
      s.disconnect();
      return { acks: count(acks.map((a) => JSON.stringify(a))), ok };
    },
  ],
  [
    'socket:giant-payload-5mb',
    async (u) => {
      const s = await sock(u.token);
      const closed = new Promise((r) => s.once('disconnect', (reason) => r(reason)));
      s.emit('chat-stream-resume', { streamId: 'x'.repeat(5 * MB), afterSeq: 0 });
      return await Promise.race([
        closed,
        new Promise((r) => setTimeout(() => r('still connected after 5s'), 5000)),
      ]);
    },
  ],
  [
    'socket:polling-giant-payload',
    async (u) => {
      const s = io(apiUrl, {
        auth: { token: u.token },
        transports: ['polling'],
        reconnection: false,
        forceNew: true,
      });
      await new Promise<void>((res, rej) => {
        s.once('connect', () => res());
        s.once('connect_error', rej);
      });
      const closed = new Promise((r) => s.once('disconnect', (reason) => r(reason)));
      s.emit('chat-stream-resume', { streamId: 'x'.repeat(5 * MB), afterSeq: 0 });
      return await Promise.race([
        closed,
        new Promise((r) => setTimeout(() => r('still connected after 5s'), 5000)),
      ]);
    },
  ],
  [
    'socket:1000-sockets-one-user',
    async (u) => {
      const socks: Array<Awaited<ReturnType<typeof sock>> | string> = [];
      for (let i = 0; i < 1000; i++) socks.push(await sock(u.token).catch((e: unknown) => String(e)));
      const connected = socks.filter((s): s is Awaited<ReturnType<typeof sock>> => typeof s !== 'string');
      const r = await fetch(`${apiUrl}/healthz`);
      for (const s of connected) s.disconnect();
      return {
        connected: connected.length,
        refused: count(socks.filter((s) => typeof s === 'string')),
        health: r.status,
      };
    },
  ],
  [
    'auth:malformed',
    async () => {
      const tries: Record<string, Record<string, string>> = {
        badCookie: { cookie: 'cc_session=%%%E0%A4%A' },
        hugeCookie: { cookie: 'cc_session=' + 'a'.repeat(60_000) },
        manyCookies: { cookie: Array.from({ length: 3000 }, (_, i) => `c${i}=v`).join('; ') },
        algNone: {
          authorization:
            'Bearer ' +
            Buffer.from('{"alg":"none"}').toString('base64url') +
            '.' +
            Buffer.from('{"sub":"x"}').toString('base64url') +
            '.',
        },
        garbageBearer: { authorization: 'Bearer ....' },
        hugeBearer: { authorization: 'Bearer ' + 'a.'.repeat(30_000) },
        bearerNoToken: { authorization: 'Bearer' },
        basic: { authorization: 'Basic Zm9vOmJhcg==' },
      };
      const out: Record<string, number> = {};
      for (const [k, h] of Object.entries(tries))
        out[k] = await fetch(`${apiUrl}/api/v1/documents`, { headers: h }).then(
          (r) => r.status,
          () => -1,
        );
      for (const [k, h] of Object.entries(tries)) {
        const s = io(apiUrl, {
          extraHeaders: h,
          transports: ['polling'],
          reconnection: false,
          forceNew: true,
        });
        out[`socket-${k}`] = await new Promise<number>((r) => {
          s.once('connect', () => r(1));
          s.once('connect_error', () => r(0));
        });
        s.disconnect();
      }
      return out;
    },
  ],
  [
    'idor:other-users-ids',
    async (u) => {
      const victim = await signup('victim');
      const d = await upload(victim, 'secret.txt', Buffer.from('Victim secret: the mitochondrion.\n'));
      const docId = d.body.document!.id;
      await terminal(victim, docId);
      const cls = (await req(victim, 'POST', '/classes', { name: 'Victim class' })).body as {
        id?: string;
        class?: { id: string };
      };
      const classId = cls.class?.id ?? cls.id;
      const chat = (await req(victim, 'POST', '/chat/new', { message: 'What does the mitochondrion do?' }))
        .body as { chatSessionId: string; streamId: string };
      const out: Record<string, number> = {};
      out.getDoc = (await req(u, 'GET', `/documents/${docId}`)).status;
      out.getFile = (await req(u, 'GET', `/documents/${docId}/file`)).status;
      out.delDoc = (await req(u, 'DELETE', `/documents/${docId}`)).status;
      out.patchClass = (await req(u, 'PATCH', `/classes/${classId}`, { name: 'pwn' })).status;
      out.delClass = (await req(u, 'DELETE', `/classes/${classId}`)).status;
      out.getSession = (await req(u, 'GET', `/chat/sessions/${chat.chatSessionId}`)).status;
      out.patchSession = (
        await req(u, 'PATCH', `/chat/sessions/${chat.chatSessionId}`, { title: 'pwn' })
      ).status;
      out.delSession = (await req(u, 'DELETE', `/chat/sessions/${chat.chatSessionId}`)).status;
      out.cancelStream = (await req(u, 'POST', `/chat/streams/${chat.streamId}/cancel`)).status;
      out.chatOnDoc = (await req(u, 'POST', '/chat/new', { message: 'tell me', docId })).status;
      out.chatOnClass = (await req(u, 'POST', '/chat/new', { message: 'tell me', classId })).status;
      out.chatContinue = (
        await req(u, 'POST', '/chat/new', { message: 'tell me', chatSessionId: chat.chatSessionId })
      ).status;
      out.uploadToClass = (await upload2(u, classId!)).status;
      const s = await sock(u.token);
      out.resumeAck = JSON.stringify(
        await s.timeout(5000).emitWithAck('chat-stream-resume', { streamId: chat.streamId, afterSeq: 0 }),
      ).length;
      s.disconnect();
      out.victimDocStill = (await req(victim, 'GET', `/documents/${docId}`)).status;
      return out;
    },
  ],
];

function count(xs: unknown[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const x of xs) c[String(x)] = (c[String(x)] ?? 0) + 1;
  return c;
}
async function req(u: User, method: string, path: string, body?: unknown) {
  const res = await fetch(`${apiUrl}/api/v1${path}`, {
    method,
    headers: { ...u.auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not json */
  }
  return { status: res.status, body: parsed };
}
async function upload2(u: User, classId: string) {
  const form = new FormData();
  form.append('classId', classId);
  form.append('file', new Blob([Buffer.from('x y z cells\n')]), 'x.txt');
  return fetch(`${apiUrl}/api/v1/documents`, { method: 'POST', headers: u.auth, body: form });
}
async function sock(token: string) {
  const s = io(apiUrl, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((res, rej) => {
    s.once('connect', () => res());
    s.once('connect_error', rej);
  });
  return s;
}
async function healthyAfter(s: ReturnType<typeof io>) {
  const ack: unknown = await s
    .timeout(10_000)
    .emitWithAck('chat-stream-resume', { streamId: crypto.randomUUID(), afterSeq: 0 })
    .catch((e: unknown) => String(e));
  return { connected: s.connected, ack };
}

const ragHealth = async () => (await fetch(`${rag.url}/healthz`)).status;
const results: unknown[] = [];
try {
  for (const [name, run] of attacks) {
    if (!name.includes(filter)) continue;
    const user = await signup('attacker');
    const start = Date.now();
    let observed: unknown;
    try {
      observed = await run(user);
    } catch (err) {
      observed = { threw: String(err).slice(0, 300) };
    }
    const end = Date.now();
    const line = {
      attack: name,
      observed,
      ragHealth: await ragHealth(),
      start,
      end,
      load: readFileSync('/proc/loadavg', 'utf8').split(' ')[0],
    };
    results.push(line);
    console.log(JSON.stringify(line));
  }
} finally {
  probe.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 200));
  const samples = readFileSync(probeOut, 'utf8')
    .trim()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as { t: number; kind: string; name: string; ms?: number; mb?: number; status?: number },
    );
  for (const r of results as Array<{ attack: string; start: number; end: number }>) {
    const within = samples.filter((s) => s.t >= r.start && s.t <= r.end + 300);
    const stat = (kind: string, name: string, key: 'ms' | 'mb') => {
      const v = within
        .filter((s) => s.kind === kind && s.name === name)
        .map((s) => s[key]!)
        .sort((a, b) => a - b);
      return v.length ? { n: v.length, p50: v[Math.floor(v.length / 2)], max: v.at(-1) } : null;
    };
    const bad = within.filter((s) => s.kind === 'health' && s.status !== 200).length;
    console.log(
      JSON.stringify({
        attack: r.attack,
        apiHealthMs: stat('health', 'api', 'ms'),
        ragHealthMs: stat('health', 'rag', 'ms'),
        healthFailures: bad,
        apiRssMb: stat('rss', 'api', 'mb'),
        ragRssMb: stat('rss', 'rag', 'mb'),
      }),
    );
  }
  for (const c of [api.child, rag.child]) {
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  }
  await db.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
