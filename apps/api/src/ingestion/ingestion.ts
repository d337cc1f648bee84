import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import {
  AppError,
  type DocumentReadyPayload,
  type IngestEvent,
  type ProcessingStatusPayload,
} from '@classchat/contracts';
import type { DocumentRow, Repositories } from '@classchat/db';
import { watchSilence } from '@classchat/service';
import type { ApiMetrics } from '../observability/metrics.js';
import type { RagClient } from '../rag-client/rag-client.js';
import { FairQueue } from './fair-queue.js';
import { isNotable, ProgressTracker, type ProgressState } from './progress.js';

export const INTERRUPTED_REASON = 'Processing was interrupted. Please upload the file again.';
const GENERIC_FAILURE = 'Processing failed. Please upload the file again.';

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

type Outcome = 'ready' | 'failed' | 'interrupted' | 'gone' | 'aborted';

type EmitStatus = (payload: Omit<ProcessingStatusPayload, 'docId'>) => void;

/** How a document's ingestion ends once rag answered it. */
interface Finish {
  ready: (pageCount: number, chunkCount: number) => Promise<void>;
  failed: (reason: string) => Promise<void>;
}

/**
 * The api's ingestion queue: runs rag's ingest for uploaded documents (a few at a time, users served
 * in turns, at most `perUserConcurrency` per user; see fair-queue.ts), relays its
 * progress to the owner's sockets as `processing-status` (progress never decreasing) and
 * `document-ready`, keeps the row's stage/progress current, retries an interrupted ingestion once
 * and otherwise ends every document `ready` or `failed` with a reason.
 */
export function createIngestionService(options: IngestionOptions): IngestionService {
  const { repos, rag, realtime, logger } = options;
  const concurrency = options.concurrency ?? 2;
  const attempts = options.attempts ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const writeInterval = options.progressWriteIntervalMs ?? 250;
  const leaseMs = options.leaseMs ?? 30_000;
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

  async function runJob(job: IngestJob, signal: AbortSignal): Promise<void> {
    const log = logger.child({ documentId: job.documentId, userId: job.userId, reqId: job.requestId });
    const emit: EmitStatus = (payload) =>
      realtime.toUser(job.userId).emit('processing-status', { docId: job.documentId, ...payload });

    const started = await repos.documents.claimIngest(job.documentId, leaseMs);
    if (!started) return; // deleted, finished, or another api process is ingesting it
    const renewal = setInterval(() => {
      repos.documents
        .renewIngestLease(job.documentId, leaseMs)
        .catch((err: unknown) => log.warn({ err }, 'could not renew the ingestion lease'));
    }, leaseMs / 3);
    try {
      await ingestClaimed(job, signal, log, emit);
    } finally {
      clearInterval(renewal);
      // Stopped without an outcome (shutdown): any api process may take the document over now.
      if (signal.aborted) await repos.documents.releaseIngestLease(job.documentId).catch(() => undefined);
    }
  }

  async function ingestClaimed(
    job: IngestJob,
    signal: AbortSignal,
    log: Logger,
    emit: EmitStatus,
  ): Promise<void> {
    const tracker = new ProgressTracker();
    options.metrics?.ingestStarted.inc();
    emit({ status: 'processing', stage: 'queued', progress: 0, error: null });
    options.onStatusChanged?.(job.userId, job.documentId);
    const recorder = progressRecorder(job, log, emit);
    const finish: Finish = {
      ready: async (pageCount: number, chunkCount: number) => {
        await recorder.written();
        const { stage, progress } = tracker.finish();
        emit({ status: 'ready', stage, progress, error: null });
        realtime.toUser(job.userId).emit('document-ready', { docId: job.documentId, pageCount, chunkCount });
        options.onStatusChanged?.(job.userId, job.documentId);
        options.metrics?.ingestCompleted.inc({ status: 'ready' });
      },
      failed: async (reason: string) => {
        await recorder.written();
        await recordFailure(job, log, reason);
        const { stage, progress } = tracker.current;
        emit({ status: 'failed', stage, progress, error: reason });
        options.onStatusChanged?.(job.userId, job.documentId);
        options.metrics?.ingestCompleted.inc({ status: 'failed' });
      },
    };

    for (let attempt = 1; ; attempt++) {
      const outcome = await runAttempt(job, signal, tracker, recorder.onProgress, log, finish);
      if (outcome !== 'interrupted') {
        log.info({ outcome, attempt }, 'ingestion finished');
        return;
      }
      if (attempt >= attempts) {
        log.warn({ attempt }, 'ingestion interrupted; giving up');
        await finish.failed(INTERRUPTED_REASON);
        return;
      }
      log.warn({ attempt }, 'ingestion interrupted; retrying');
      try {
        await delay(retryDelayMs, undefined, { signal });
      } catch {
        return; // aborted while waiting
      }
    }
  }

  /**
   * Relays each notable progress step to the owner and keeps the row current. Row writes are
   * chained (never reordered) and throttled within a stage; a stage change is written at once.
   */
  function progressRecorder(job: IngestJob, log: Logger, emit: EmitStatus) {
    let writes: Promise<unknown> = Promise.resolve();
    let lastWrite = 0;
    let lastWritten: ProgressState | null = null;
    let lastEmitted: ProgressState | null = null;
    const onProgress = (state: ProgressState) => {
      if (isNotable(lastEmitted, state)) {
        lastEmitted = state;
        emit({ status: 'processing', stage: state.stage, progress: state.progress, error: null });
      }
      const now = Date.now();
      if (lastWritten?.stage === state.stage && now - lastWrite < writeInterval) return;
      lastWrite = now;
      lastWritten = state;
      writes = writes
        .then(() => repos.documents.updateProgress(job.documentId, 'processing', state.stage, state.progress))
        .catch((err: unknown) => log.warn({ err }, 'could not record ingestion progress'));
    };
    return { onProgress, written: () => writes };
  }

  async function recordFailure(job: IngestJob, log: Logger, reason: string): Promise<void> {
    const failed = await repos.documents.markFailed(job.documentId, reason);
    if (failed) {
      await options.onFailed?.(failed).catch((err: unknown) => log.warn({ err }, 'could not clean up'));
    }
  }

  async function runAttempt(
    job: IngestJob,
    signal: AbortSignal,
    tracker: ProgressTracker,
    onProgress: (state: ProgressState) => void,
    log: Logger,
    finish: Finish,
  ): Promise<Outcome> {
    // One controller per attempt: aborted by the job's signal or when rag goes silent.
    const attempt = new AbortController();
    const onAbort = () => attempt.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const silence = watchSilence(idleTimeoutMs, () => attempt.abort(new Error('rag went silent')));
    try {
      const call = { signal: attempt.signal, ...(job.requestId ? { requestId: job.requestId } : {}) };
      for await (const event of rag.ingest(job.documentId, job.userId, call)) {
        silence.heard();
        const outcome = await relayEvent(event, tracker, onProgress, finish);
        if (outcome) return outcome;
      }
      return signal.aborted ? 'aborted' : 'interrupted';
    } catch (err) {
      if (signal.aborted) return 'aborted';
      if (silence.fired) return 'interrupted';
      return await brokenAttempt(err, log, finish);
    } finally {
      silence.stop();
      signal.removeEventListener('abort', onAbort);
    }
  }

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

/** One event of rag's ingest stream: progress is relayed; `ready` and `error` end the attempt. */
async function relayEvent(
  event: IngestEvent,
  tracker: ProgressTracker,
  onProgress: (state: ProgressState) => void,
  finish: Finish,
): Promise<Outcome | null> {
  switch (event.type) {
    case 'keepalive':
      return null;
    case 'progress': {
      if (event.stage === 'queued' || event.stage === 'done') return null;
      const state = tracker.update(event.stage, event.done, event.total);
      if (state) onProgress(state);
      return null;
    }
    case 'ready':
      await finish.ready(event.pageCount, event.chunkCount);
      return 'ready';
    case 'error':
      if (event.code === 'not_found') return 'gone';
      await finish.failed(event.message || GENERIC_FAILURE);
      return 'failed';
  }
}

/**
 * An attempt whose request or stream threw (neither aborted nor silent): rag refused it (the document
 * is gone, or it failed for good) or the connection broke, which another attempt may get past.
 */
async function brokenAttempt(err: unknown, log: Logger, finish: Finish): Promise<Outcome> {
  if (AppError.is(err)) {
    if (err.code === 'not_found') return 'gone';
    if (err.code === 'unavailable' || err.isRetryable) return 'interrupted';
    log.error({ err }, 'rag refused the ingestion');
    await finish.failed(GENERIC_FAILURE);
    return 'failed';
  }
  // A connection cut mid-stream (rag crashed or restarted).
  log.warn({ err }, 'ingest stream broke');
  return 'interrupted';
}
