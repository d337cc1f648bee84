import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { AppError, type IngestEvent, type ProcessingStatusPayload } from '@classchat/contracts';
import { watchSilence } from '@classchat/service';
import type { IngestJob, IngestionOptions } from './ingestion.js';
import { isNotable, ProgressTracker, type ProgressState } from './progress.js';

export const INTERRUPTED_REASON = 'Processing was interrupted. Please upload the file again.';
const GENERIC_FAILURE = 'Processing failed. Please upload the file again.';

/** How long a running ingestion holds its document by default (see `IngestionOptions.leaseMs`). */
export const DEFAULT_LEASE_MS = 30_000;

type Outcome = 'ready' | 'failed' | 'interrupted' | 'gone' | 'aborted';

type EmitStatus = (payload: Omit<ProcessingStatusPayload, 'docId'>) => void;

/** How a document's ingestion ends once rag answered it. */
interface Finish {
  ready: (pageCount: number, chunkCount: number) => Promise<void>;
  failed: (reason: string) => Promise<void>;
}

/**
 * Runs one ingestion: claims the document (holding it while it runs), relays rag's progress to the
 * owner and the row, retries an interrupted attempt, and records the outcome.
 */
export function createIngestJobRunner(
  options: IngestionOptions,
): (job: IngestJob, signal: AbortSignal) => Promise<void> {
  const { repos, rag, realtime, logger } = options;
  const attempts = options.attempts ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const writeInterval = options.progressWriteIntervalMs ?? 250;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;

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

  return runJob;
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
