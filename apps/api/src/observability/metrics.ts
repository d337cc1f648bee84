import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The api's Prometheus metrics (SPEC §7), one registry per server instance. */
export function createApiMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    streamStarted: new Counter({
      name: 'stream_started_total',
      help: 'Chat streams started',
      registers: [registry],
    }),
    streamCompleted: new Counter({
      name: 'stream_completed_total',
      help: 'Chat streams completed (including stopped with text)',
      registers: [registry],
    }),
    streamFailed: new Counter({
      name: 'stream_failed_total',
      help: 'Chat streams failed',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    streamFirstToken: new Histogram({
      name: 'stream_first_token_seconds',
      help: 'Time from chat request to the first token relayed',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
    streamDuration: new Histogram({
      name: 'stream_duration_seconds',
      help: 'Chat stream duration',
      buckets: [0.1, 0.5, 1, 2, 5, 10, 20, 40, 80, 120],
      registers: [registry],
    }),
    ingestStarted: new Counter({
      name: 'ingest_started_total',
      help: 'Document ingestions started',
      registers: [registry],
    }),
    ingestCompleted: new Counter({
      name: 'ingest_completed_total',
      help: 'Document ingestions finished',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
  };
}
export type ApiMetrics = ReturnType<typeof createApiMetrics>;
