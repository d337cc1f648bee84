import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createRepositories, type Database } from '@classchat/db';
import { goodFixtures, largePdf, startStack, type Stack } from '@classchat/testkit';
import { loadApiConfig } from '../config.js';
import { startApi, type RunningApi } from '../server.js';
import {
  call,
  connectSocket,
  signup,
  uploadOk,
  waitFor,
  waitForTerminal,
  type RecordingSocket,
} from '../testing/api-client.js';
import { INTERRUPTED_REASON } from './ingestion.js';

describe('ingestion recovery', () => {
  let stack: Stack;
  let database: Database;
  let restarted: RunningApi | null = null;

  beforeAll(async () => {
    stack = await startStack({ model: 'offline' });
    database = connect(stack.databaseUrl, { max: 2 });
  });
  afterAll(async () => {
    await restarted?.stop();
    await database?.close();
    await stack?.stop();
  });

  it('a document left processing is resumed when the api starts; one whose file is gone fails with a reason', async () => {
    const repos = createRepositories(database.db);
    const user = await signup(stack.apiUrl, 'Resume');
    const resumable = await uploadOk(stack.apiUrl, user, await goodFixtures.plainText());
    const lost = await uploadOk(stack.apiUrl, user, await goodFixtures.markdown());
    for (const d of [resumable, lost]) await waitForTerminal(stack.apiUrl, user, d.id);

    // The api stops; the rows look like an ingestion that was cut short (its holder's lease ran out).
    await stack.api.stop();
    await database.pool.query(
      `UPDATE documents SET status = 'processing', stage = 'embedding', progress = 0.6,
         ingest_lease_until = now() - interval '1 second' WHERE id = ANY($1::uuid[])`,
      [[resumable.id, lost.id]],
    );
    rmSync(join(stack.dataDir, 'files', lost.id));

    restarted = await startApi(loadApiConfig(stack.apiEnv));
    const ready = await waitForTerminal(restarted.url, user, resumable.id);
    expect(ready).toMatchObject({ status: 'ready', pageCount: 1, error: null });
    expect(ready.chunkCount).toBeGreaterThan(0);
    const failed = await waitForTerminal(restarted.url, user, lost.id);
    expect(failed).toMatchObject({
      status: 'failed',
      error: 'The uploaded file is missing on the server. Please upload it again.',
    });
    expect(await repos.documents.listUnfinished()).toEqual([]);
  });
});

describe('ingestion when rag is unreachable', () => {
  let stack: Stack;
  beforeAll(async () => {
    // The api points at a port where nothing listens.
    stack = await startStack({ model: 'offline', api: { RAG_URL: 'http://127.0.0.1:9' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('retries once, then fails with a reason, and tells the owner', async () => {
    const user = await signup(stack.apiUrl, 'Unreachable');
    const socket = await connectSocket(stack.apiUrl, user.token);
    try {
      const doc = await uploadOk(stack.apiUrl, user, await goodFixtures.plainText());
      const final = await waitForTerminal(stack.apiUrl, user, doc.id);
      expect(final).toMatchObject({ status: 'failed', error: INTERRUPTED_REASON });
      const failed = await waitFor(
        () => socket.events.find((e) => e.event === 'processing-status' && e.payload.status === 'failed'),
        'the failed status event',
      );
      expect(failed.payload).toMatchObject({ docId: doc.id, error: INTERRUPTED_REASON });
    } finally {
      socket.close();
    }
  });
});

describe('ingestion interrupted by rag going away', () => {
  let stack: Stack;
  let socket: RecordingSocket | null = null;
  beforeAll(async () => {
    stack = await startStack({ model: 'offline', ragProcess: true });
  });
  afterAll(async () => {
    socket?.close();
    await stack?.stop();
  });

  it('a stream that ends without ready/error is retried, then failed with a reason', async () => {
    const user = await signup(stack.apiUrl, 'Crash');
    socket = await connectSocket(stack.apiUrl, user.token);
    const doc = await uploadOk(stack.apiUrl, user, await largePdf(200));
    await waitFor(
      () => socket!.events.find((e) => e.event === 'processing-status' && e.payload.stage === 'parsing'),
      'parsing to start',
    );
    stack.ragChild!.kill('SIGKILL');
    const final = await waitForTerminal(stack.apiUrl, user, doc.id);
    expect(final).toMatchObject({ status: 'failed', error: INTERRUPTED_REASON });
    const statuses = socket.events
      .filter((e) => e.event === 'processing-status')
      .map((e) => e.payload.progress);
    for (let i = 1; i < statuses.length; i++) expect(statuses[i]!).toBeGreaterThanOrEqual(statuses[i - 1]!);
    expect((await call(stack.apiUrl, user, 'GET', '/documents')).status).toBe(200);
  });
});

describe('deleting a document during its ingestion', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ model: 'offline' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("aborts rag's ingestion (closing its request) and leaves no chunks or file behind", async () => {
    const user = await signup(stack.apiUrl, 'Impatient');
    const socket = await connectSocket(stack.apiUrl, user.token);
    try {
      const doc = await uploadOk(stack.apiUrl, user, await largePdf(200));
      await waitFor(
        () => socket.events.find((e) => e.event === 'processing-status' && e.payload.stage === 'parsing'),
        'parsing to start',
      );
      expect((await call(stack.apiUrl, user, 'DELETE', `/documents/${doc.id}`)).status).toBe(204);
      const metrics = stack.rag!.ctx.metrics;
      await waitFor(
        async () => (await metrics.ingestCompleted.get()).values.some((v) => v.labels.status === 'aborted'),
        'rag to abort the ingestion',
      );
      await stack.api.ctx.ingestion.idle();
      const database = connect(stack.databaseUrl, { max: 1 });
      try {
        const repos = createRepositories(database.db);
        expect(await repos.chunks.countInScope({ userId: user.id, documentId: doc.id })).toBe(0);
        expect(await repos.documents.get(user.id, doc.id)).toBeNull();
      } finally {
        await database.close();
      }
      expect(socket.events.some((e) => e.event === 'document-ready')).toBe(false);
    } finally {
      socket.close();
    }
  });
});
