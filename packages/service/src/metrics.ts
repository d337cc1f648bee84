import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A fresh registry with the process metrics and the stream lifecycle metrics of SPEC §7, which the
 * api (the relay to the browser) and rag (the model stream) both report under the same names.
 */
export function createStreamMetrics(what: string) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    streamStarted: new Counter({
      name: 'stream_started_total',
      help: `${what} started`,
      registers: [registry],
    }),
    streamCompleted: new Counter({
      name: 'stream_completed_total',
      help: `${what} completed`,
      registers: [registry],
    }),
    streamFailed: new Counter({
      name: 'stream_failed_total',
      help: `${what} failed`,
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    streamFirstToken: new Histogram({
      name: 'stream_first_token_seconds',
      help: `${what}: time from the request to the first token`,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
    streamDuration: new Histogram({
      name: 'stream_duration_seconds',
      help: `${what}: duration`,
      buckets: [0.1, 0.5, 1, 2, 5, 10, 20, 40, 80, 120],
      registers: [registry],
    }),
  };
}

/** Document ingestions finished, by status: the api and rag each count theirs under this one name. */
export function ingestCompletedCounter(registry: Registry): Counter<'status'> {
  return new Counter({
    name: 'ingest_completed_total',
    help: 'Document ingestions finished',
    labelNames: ['status'] as const,
    registers: [registry],
  });
}
