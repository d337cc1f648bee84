import type { Logger } from 'pino';
import type { DocumentReadyPayload, ProcessingStatusPayload } from '@classchat/contracts';
import type { DocumentRow, Repositories } from '@classchat/db';
import type { ApiMetrics } from '../observability/metrics.js';
import type { RagClient } from '../rag-client/rag-client.js';
import { FairQueue } from './fair-queue.js';
import { createIngestJobRunner, DEFAULT_LEASE_MS } from './ingest-job.js';

export { INTERRUPTED_REASON } from './ingest-job.js';

export interface IngestJob {
  documentId: string;
  userId: string;
  /** The upload's request id, carried to rag (X-Request-ID) so its logs join the upload's. */
  requestId?: string;
}

export interface IngestionService {
  /**
   * Queue a document for ingestion; false when it was not (already queued or running here, or the
   * service is closed).
   */
  enqueue(job: IngestJob): boolean;
  /** Drop a queued document, or abort its running ingestion (closing the request to rag). */
  cancel(documentId: string): void;
  /**
   * Recovery: every document left `uploaded` or `processing` that no api process holds (the api or
   * rag stopped mid-ingestion) goes back to the queue; returns how many. Called at start-up, it then
   * looks again every lease period, for documents whose holder stopped renewing (it crashed).
   */
  resumeUnfinished(): Promise<number>;
  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void>;
  /** Abort everything and stop taking work; rows stay `processing`, released for any api process. */
  close(): Promise<void>;
}

/** Where a document's progress is told: its owner's sockets (the realtime hub), or the admin CLI's output. */
export interface IngestionNotifier {
  toUser(userId: string): {
    emit(event: 'processing-status', payload: ProcessingStatusPayload): unknown;
    emit(event: 'document-ready', payload: DocumentReadyPayload): unknown;
  };
}

export interface IngestionOptions {
  repos: Pick<Repositories, 'documents'>;
  rag: Pick<RagClient, 'ingest'>;
  realtime: IngestionNotifier;
  logger: Logger;
  metrics?: Pick<ApiMetrics, 'ingestStarted' | 'ingestCompleted'>;
  /** Ingestions running at once (default 2). */
  concurrency?: number;
  /**
   * Ingestions running at once for one user (default 1): another user's upload never waits behind
   * a pile of one user's documents, only for a slot to free.
   */
  perUserConcurrency?: number;
  /** Attempts when rag is unreachable or its stream ends without ready/error (default 2). */
  attempts?: number;
  retryDelayMs?: number;
  /** No event (not even a keepalive) from rag for this long counts as an interruption. */
  idleTimeoutMs?: number;
  /** The document row's stage/progress is written at most this often (stage changes always). */
  progressWriteIntervalMs?: number;
  /**
   * Runs once a document ended `failed` (its row keeps the reason): the api removes its stored file,
   * which nothing will read again.
   */
  onFailed?: (document: DocumentRow) => Promise<void>;
  /** Runs when a document's status changed (processing, ready, failed): the api tells every tab. */
  onStatusChanged?: (userId: string, documentId: string) => void;
  /**
   * How long a running ingestion holds its document against other api processes (default 30 s); it is
   * renewed every third of that while the ingestion runs, so only a holder that died loses it.
   */
  leaseMs?: number;
}

/**
 * The api's ingestion queue: runs rag's ingest for uploaded documents (a few at a time, users served
 * in turns, at most `perUserConcurrency` per user; see fair-queue.ts), relays its
 * progress to the owner's sockets as `processing-status` (progress never decreasing) and
 * `document-ready`, keeps the row's stage/progress current, retries an interrupted ingestion once
 * and otherwise ends every document `ready` or `failed` with a reason.
 */
export function createIngestionService(options: IngestionOptions): IngestionService {
  const { repos, logger } = options;
  const concurrency = options.concurrency ?? 2;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const runJob = createIngestJobRunner(options);
  let sweeper: NodeJS.Timeout | undefined;

  const pending = new FairQueue<IngestJob>((job) => job.userId, options.perUserConcurrency ?? 1);
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const runningPerUser = new Map<string, number>();
  const runningFor = (userId: string) => runningPerUser.get(userId) ?? 0;
  let closed = false;
  let idleWaiters: Array<() => void> = [];

  const notifyIdle = () => {
    if (pending.size > 0 || running.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const pump = () => {
    while (!closed && running.size < concurrency) {
      const job = pending.take(runningFor);
      if (!job) return;
      const controller = new AbortController();
      runningPerUser.set(job.userId, runningFor(job.userId) + 1);
      const done = runJob(job, controller.signal)
        .catch((err: unknown) => logger.error({ err, documentId: job.documentId }, 'ingestion crashed'))
        .finally(() => {
          running.delete(job.documentId);
          if (runningFor(job.userId) <= 1) runningPerUser.delete(job.userId);
          else runningPerUser.set(job.userId, runningFor(job.userId) - 1);
          pump();
          notifyIdle();
        });
      running.set(job.documentId, { controller, done });
    }
  };

  return {
    enqueue(job) {
      if (closed) return false;
      if (running.has(job.documentId) || pending.some((j) => j.documentId === job.documentId)) return false;
      pending.push(job);
      pump();
      return true;
    },
    cancel(documentId) {
      pending.remove((j) => j.documentId === documentId);
      running.get(documentId)?.controller.abort(new Error('document deleted'));
      notifyIdle();
    },
    async resumeUnfinished() {
      if (!sweeper && !closed) {
        sweeper = setInterval(() => {
          this.resumeUnfinished().catch((err: unknown) =>
            logger.warn({ err }, 'could not look for abandoned ingestions'),
          );
        }, leaseMs).unref();
      }
      const unfinished: DocumentRow[] = await repos.documents.listUnfinished();
      let queued = 0;
      for (const doc of unfinished) if (this.enqueue({ documentId: doc.id, userId: doc.userId })) queued++;
      if (queued > 0) logger.info({ count: queued }, 're-queued unfinished ingestions');
      return queued;
    },
    idle() {
      if (pending.size === 0 && running.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      closed = true;
      clearInterval(sweeper);
      pending.clear();
      const all = [...running.values()];
      for (const { controller } of all) controller.abort(new Error('api shutting down'));
      await Promise.allSettled(all.map((r) => r.done));
      notifyIdle();
    },
  };
}
