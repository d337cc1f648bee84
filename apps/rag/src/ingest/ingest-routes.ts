import { Router, type Response } from 'express';
import type { Logger } from 'pino';
import { encodeSse, IngestBody, IngestParams, notFound, type IngestEvent } from '@classchat/contracts';
import type { DocumentRow, Repositories } from '@classchat/db';
import { openSseWriter, parseInput } from '@classchat/service';
import type { RagContext } from '../context.js';
import { reserveWhenAvailable } from '../quota/token-budget.js';
import { createOpenAIEmbedder, type Embedder, type EmbeddingTokenBudget } from './embed.js';
import { failures, IngestFailure } from './errors.js';
import { DocumentGoneError, runIngestPipeline, type PipelineDeps, type ProgressStage } from './pipeline.js';

/** Progress events of one stage are sent at most this often (plus the first and the last). */
const PROGRESS_INTERVAL_MS = 100;

/** What ingestion needs besides the context: built once per rag process. */
export interface IngestServices {
  repos: Pick<Repositories, 'documents' | 'chunks'>;
  /** null when no embeddings model is configured. */
  embedder: Embedder | null;
  embeddingBudget: EmbeddingTokenBudget;
}

/** The ingestion services of a rag process (the embeddings client, the token budget it waits on). */
export function createIngestDeps(
  ctx: RagContext,
  options: { embeddingBudget?: EmbeddingTokenBudget } = {},
): IngestServices {
  return {
    repos: ctx.repos,
    embedder: createOpenAIEmbedder(ctx.config),
    // Embedding tokens count against OPENAI_TPM_LIMIT like answers do; ingestion waits for the
    // window to refill instead of failing.
    embeddingBudget: options.embeddingBudget ?? {
      reserve: async (tokens, signal) => {
        await reserveWhenAvailable(ctx.tokenBudget, tokens, signal ? { signal } : {});
      },
    },
  };
}

/**
 * `POST /documents/:id/ingest` (internal): ingests the document and answers SSE — `progress` events,
 * `keepalive` during silences, then exactly one `ready` or `error`. The document row ends `ready` or
 * `failed` with a reason; if the caller closes the request, the ingestion is aborted and the row is
 * left for the caller to decide (it re-queues or deletes it).
 */
export function ingestRoutes(ctx: RagContext, deps: IngestServices): Router {
  const router = Router();

  router.post('/documents/:id/ingest', async (req, res) => {
    const { id } = parseInput(IngestParams, req.params, 'document id');
    const body = parseInput(IngestBody, req.body, 'ingest request');
    const doc = await deps.repos.documents.getForIngest(id);
    if (!doc || doc.userId !== body.user_id) throw notFound('Document');
    await ingestDocument(ctx, deps, doc, res, req.log.child({ documentId: doc.id, mime: doc.mimeType }));
  });

  return router;
}

/** Runs the pipeline for one document, relaying its progress and its end on the response's SSE. */
async function ingestDocument(
  ctx: RagContext,
  deps: IngestServices,
  doc: DocumentRow,
  res: Response,
  log: Logger,
): Promise<void> {
  const client = new AbortController();
  const sse = ingestEvents(res, ctx.config.STREAM_KEEPALIVE_MS, () =>
    client.abort(new Error('the caller closed the ingest request')),
  );
  const timeout = AbortSignal.timeout(ctx.config.INGEST_TIMEOUT_S * 1000);
  const signal = AbortSignal.any([client.signal, timeout]);

  const started = performance.now();
  log.info('ingest started');
  try {
    const result = await runIngestPipeline(doc, pipelineDeps(ctx, deps, log), {
      signal,
      onProgress: throttledProgress(sse.send),
    });
    ctx.metrics.ingestPages.inc(result.pageCount);
    ctx.metrics.ingestCompleted.inc({ status: 'ready' });
    log.info({ ...result, ms: Math.round(performance.now() - started) }, 'ingest completed');
    sse.end({ type: 'ready', pageCount: result.pageCount, chunkCount: result.chunkCount });
  } catch (err) {
    const end = ingestEnd(err, {
      callerGone: client.signal.aborted,
      timedOut: timeout.aborted,
      timeoutS: ctx.config.INGEST_TIMEOUT_S,
    });
    if (end.kind === 'failed' && end.crashed) log.error({ err }, 'ingest crashed');
    await reportEnd(ctx, deps, doc, log, sse, end);
  }
}

function pipelineDeps(ctx: RagContext, deps: IngestServices, log: Logger): PipelineDeps {
  return {
    repos: deps.repos,
    filesDir: ctx.config.filesDir,
    parser: ctx.parser,
    maxPages: ctx.config.INGEST_MAX_PAGES,
    maxChunks: ctx.config.INGEST_MAX_CHUNKS,
    embedder: deps.embedder,
    embeddingBudget: deps.embeddingBudget,
    onEmbeddingError: (err) => log.error({ err }, 'embeddings request failed'),
  };
}

/** Progress of each stage, sent at most every PROGRESS_INTERVAL_MS — but always its first and last step. */
function throttledProgress(
  send: (event: IngestEvent) => void,
): (stage: ProgressStage, done: number, total: number) => void {
  const lastSent = new Map<ProgressStage, number>();
  return (stage, done, total) => {
    const at = performance.now();
    const last = lastSent.get(stage);
    if (last !== undefined && done < total && done > 0 && at - last < PROGRESS_INTERVAL_MS) return;
    lastSent.set(stage, at);
    send({ type: 'progress', stage, done, total });
  };
}

/** How an ingestion that threw ends. */
export type IngestEnd =
  | { kind: 'caller-gone' }
  | { kind: 'document-gone' }
  | { kind: 'failed'; failure: IngestFailure; crashed: boolean };

/**
 * Pure: what a pipeline error means. The caller's leaving wins (whatever the pipeline threw as it
 * was aborted); an error that is neither a student-facing failure nor the timeout is a crash.
 */
export function ingestEnd(
  err: unknown,
  state: { callerGone: boolean; timedOut: boolean; timeoutS: number },
): IngestEnd {
  if (state.callerGone) return { kind: 'caller-gone' };
  if (err instanceof DocumentGoneError) return { kind: 'document-gone' };
  if (err instanceof IngestFailure) return { kind: 'failed', failure: err, crashed: false };
  if (state.timedOut) return { kind: 'failed', failure: failures.timeout(state.timeoutS), crashed: false };
  return { kind: 'failed', failure: failures.internal(), crashed: true };
}

/** Counts, logs and tells the caller how the ingestion ended; a failure is also written to the row. */
async function reportEnd(
  ctx: RagContext,
  deps: IngestServices,
  doc: DocumentRow,
  log: Logger,
  sse: IngestEventWriter,
  end: IngestEnd,
): Promise<void> {
  switch (end.kind) {
    case 'caller-gone':
      ctx.metrics.ingestCompleted.inc({ status: 'aborted' });
      log.info('ingest aborted: the caller went away');
      sse.close();
      return;
    case 'document-gone':
      ctx.metrics.ingestCompleted.inc({ status: 'aborted' });
      log.info('ingest stopped: the document was deleted');
      sse.end({ type: 'error', code: 'not_found', message: 'The document was deleted.' });
      return;
    case 'failed': {
      const { failure } = end;
      ctx.metrics.ingestCompleted.inc({ status: 'failed' });
      log.warn({ reason: failure.reason, message: failure.message }, 'ingest failed');
      await deps.repos.documents.markFailed(doc.id, failure.message).catch((markErr: unknown) => {
        log.error({ err: markErr }, 'could not mark the document failed');
      });
      sse.end({ type: 'error', code: 'ingest_failed', message: failure.message });
    }
  }
}

interface IngestEventWriter {
  send: (event: IngestEvent) => void;
  /** Send the terminal event and finish the response. */
  end: (event: IngestEvent) => void;
  /** Finish without a terminal event (the caller is gone). */
  close: () => void;
}

/** Ingest events on the services' one SSE writer (keepalive events during silences). */
function ingestEvents(res: Response, keepaliveMs: number, onClose: () => void): IngestEventWriter {
  const sse = openSseWriter(res, { keepaliveMs, keepalive: encodeSse({ type: 'keepalive' }), onClose });
  return {
    send: (event: IngestEvent) => void sse.send(encodeSse(event)),
    /** Send the terminal event and finish the response. */
    end: (event: IngestEvent) => sse.end(encodeSse(event)),
    /** Finish without a terminal event (the caller is gone). */
    close: () => sse.end(),
  };
}
