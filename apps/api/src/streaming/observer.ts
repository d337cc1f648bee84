import type { Logger } from 'pino';
import type { ApiMetrics } from '../observability/metrics.js';
import type { ActiveStream } from './registry.js';
import type { StreamObserver } from './relay.js';

const ms = (value: number) => Math.round(value * 10) / 10;

/**
 * Stream lifecycle logs (started / first token / completed / failed, each with the request id carried
 * to rag) and the stream_* metrics. First-token latency and duration count from `POST chat/new`.
 */
export function createStreamObserver(logger: Logger, metrics: ApiMetrics): StreamObserver {
  // One child logger per stream (its bindings are serialised when it is made), for its 3–4 lines.
  const children = new WeakMap<ActiveStream, Logger>();
  const log = (stream: ActiveStream): Logger => {
    let child = children.get(stream);
    if (!child) {
      child = logger.child({
        reqId: stream.requestId,
        streamId: stream.streamId,
        sessionId: stream.sessionId,
        userId: stream.userId,
      });
      children.set(stream, child);
    }
    return child;
  };
  return {
    started(stream) {
      metrics.streamStarted.inc();
      log(stream).info({ event: 'stream_started' }, 'stream started');
    },
    firstToken(stream, latencyMs, stages) {
      metrics.streamFirstToken.observe(latencyMs / 1000);
      log(stream).info(
        {
          event: 'stream_first_token',
          latencyMs: ms(latencyMs),
          route: stream.route,
          ...(stages ? { stages } : {}),
        },
        'stream first token',
      );
    },
    completed(stream, info) {
      metrics.streamCompleted.inc();
      metrics.streamDuration.observe(info.durationMs / 1000);
      log(stream).info(
        {
          event: 'stream_completed',
          status: info.status,
          route: stream.route,
          tokens: info.tokens,
          completionTokens: info.usage?.completionTokens ?? null,
          chars: stream.text.length,
          durationMs: ms(info.durationMs),
        },
        'stream completed',
      );
    },
    failed(stream, failure, info) {
      metrics.streamFailed.inc({ reason: failure.code });
      metrics.streamDuration.observe(info.durationMs / 1000);
      log(stream).warn(
        {
          event: 'stream_failed',
          reason: failure.code,
          detail: failure.detail,
          retryable: failure.retryable,
          tokens: info.tokens,
          durationMs: ms(info.durationMs),
        },
        'stream failed',
      );
    },
    settlementError(stream, err, step) {
      log(stream).error({ err, step }, `stream ${step} failed`);
    },
  };
}
