import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IngestEvent } from '@classchat/contracts';
import { connect, createRepositories, type Database, type Repositories } from '@classchat/db';
import { startTestDatabase, type TestDatabase } from '@classchat/testkit';
import type { RagCallOptions } from '../rag-client/rag-client.js';
import { createIngestionService } from './ingestion.js';

/**
 * Two api processes (two ingestion services) on one database: a document is ingested by one of
 * them at a time, and taken over only when its holder stops renewing its lease or lets it go.
 */
const LEASE_MS = 600;
const logger = pino({ level: 'silent' });
const realtime = { toUser: () => ({ emit: () => true }) } as never;

let testDb: TestDatabase;
let database: Database;
let repos: Repositories;
beforeAll(async () => {
  testDb = await startTestDatabase();
  database = connect(testDb.url, { max: 4 });
  repos = createRepositories(database.db);
});
afterAll(async () => {
  await database?.close();
  await testDb?.stop();
});

/** A rag whose ingestion runs until it is aborted (the holder is busy with it). */
function busyRag(calls: string[]) {
  return {
    async *ingest(
      documentId: string,
      _userId: string,
      options: RagCallOptions = {},
    ): AsyncGenerator<IngestEvent> {
      calls.push(documentId);
      yield { type: 'progress', stage: 'parsing', done: 0, total: 1 };
      await new Promise((_, reject) =>
        options.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
      );
    },
  };
}

/** A rag that ingests at once; like rag, it marks the row ready (the api only relays the outcome). */
function quickRag(calls: string[]) {
  return {
    async *ingest(documentId: string): AsyncGenerator<IngestEvent> {
      calls.push(documentId);
      await repos.documents.markReady(documentId, 1, 2);
      yield { type: 'ready', pageCount: 1, chunkCount: 2 };
    },
  };
}

function service(
  rag: ReturnType<typeof busyRag>,
  documents: Repositories['documents'] = repos.documents,
  leaseMs = LEASE_MS,
) {
  return createIngestionService({
    repos: { documents },
    rag,
    realtime,
    logger,
    leaseMs,
    retryDelayMs: 10,
  });
}

async function uploadedDocument() {
  const user = await repos.users.create({
    email: `${randomUUID()}@example.edu`,
    name: 'Lease',
    passwordHash: 'x',
  });
  const id = randomUUID();
  const doc = await repos.documents.create({
    id,
    userId: user.id,
    classId: null,
    fileName: 'notes.txt',
    mimeType: 'text/plain',
    byteSize: 10,
    sha256: id,
    storageKey: id,
  });
  return { documentId: doc.id, userId: user.id };
}

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const leaseEndOf = async (job: { documentId: string; userId: string }) => {
  const until = (await repos.documents.get(job.userId, job.documentId))?.ingestLeaseUntil;
  if (!until) throw new Error('the document is not held');
  return until;
};

const statusOf = async (job: { documentId: string; userId: string }) =>
  (await repos.documents.get(job.userId, job.documentId))?.status;

describe('ingestion across api processes', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('leaves a document to the process ingesting it while that process renews its lease', async () => {
    // The renewals and b's sweeps run on virtual intervals that the test moves through lease periods,
    // so a slow machine cannot make a renewal late. The database's clock is real and the lease long
    // enough not to run out meanwhile; what the renewals do to it is checked on the row instead.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const holdMs = 60_000;
    const job = await uploadedDocument();
    const aCalls: string[] = [];
    const bCalls: string[] = [];
    const renewals: boolean[] = [];
    const sweeps: boolean[] = []; // whether each of b's looks offered it the document
    const a = service(
      busyRag(aCalls),
      {
        ...repos.documents,
        renewIngestLease: async (id, ms) => {
          const renewed = await repos.documents.renewIngestLease(id, ms);
          renewals.push(renewed);
          return renewed;
        },
      },
      holdMs,
    );
    const b = service(
      quickRag(bCalls),
      {
        ...repos.documents,
        listUnfinished: async () => {
          const rows = await repos.documents.listUnfinished();
          sweeps.push(rows.some((row) => row.id === job.documentId));
          return rows;
        },
      },
      holdMs,
    );
    try {
      a.enqueue(job);
      await until(() => Promise.resolve(aCalls.length === 1));
      expect(await b.resumeUnfinished()).toBe(0);
      // Several lease periods later (b looks again every period, a renews three times a period), a
      // still holds it, and each renewal has moved the end of its lease on.
      let leaseEnd = await leaseEndOf(job);
      for (let period = 1; period <= 3; period++) {
        await vi.advanceTimersByTimeAsync(holdMs);
        await until(() => Promise.resolve(renewals.length === 3 * period && sweeps.length === 1 + period));
        const renewedEnd = await leaseEndOf(job);
        expect(renewedEnd.getTime()).toBeGreaterThan(leaseEnd.getTime());
        leaseEnd = renewedEnd;
      }
      expect(renewals.every(Boolean)).toBe(true);
      expect(sweeps.some(Boolean)).toBe(false);
      expect(bCalls).toEqual([]);
      expect(await statusOf(job)).toBe('processing');

      // A clean shutdown lets go at once: the other process takes it over.
      await a.close();
      expect(await b.resumeUnfinished()).toBe(1);
      await until(async () => (await statusOf(job)) === 'ready');
      expect(bCalls).toEqual([job.documentId]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('takes over a document whose holder stopped renewing (it died) once the lease has run out', async () => {
    const job = await uploadedDocument();
    const aCalls: string[] = [];
    const bCalls: string[] = [];
    // a claims the document and then goes silent: no renewal ever reaches the database.
    const a = service(busyRag(aCalls), { ...repos.documents, renewIngestLease: () => Promise.resolve(true) });
    const b = service(quickRag(bCalls));
    try {
      a.enqueue(job);
      await until(() => Promise.resolve(aCalls.length === 1));
      const claimedAt = Date.now();
      expect(await b.resumeUnfinished()).toBe(0);
      await until(async () => (await statusOf(job)) === 'ready');
      expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(LEASE_MS - 50);
      expect(bCalls).toEqual([job.documentId]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
