import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** rag's Prometheus metrics (SPEC §7), one registry per server instance. */
export function createRagMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    streamStarted: new Counter({
      name: 'stream_started_total',
      help: 'Model streams started',
      registers: [registry],
    }),
    streamCompleted: new Counter({
      name: 'stream_completed_total',
      help: 'Model streams completed',
      registers: [registry],
    }),
    streamFailed: new Counter({
      name: 'stream_failed_total',
      help: 'Model streams failed',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    streamFirstToken: new Histogram({
      name: 'stream_first_token_seconds',
      help: 'Time from request to the first model token',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
    streamDuration: new Histogram({
      name: 'stream_duration_seconds',
      help: 'Model stream duration',
      buckets: [0.1, 0.5, 1, 2, 5, 10, 20, 40, 80, 120],
      registers: [registry],
    }),
    ingestPages: new Counter({ name: 'ingest_pages_total', help: 'Pages ingested', registers: [registry] }),
    ingestCompleted: new Counter({
      name: 'ingest_completed_total',
      help: 'Document ingestions finished',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
  };
}
export type RagMetrics = ReturnType<typeof createRagMetrics>;
