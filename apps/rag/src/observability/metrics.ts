import { Counter } from 'prom-client';
import { createStreamMetrics, ingestCompletedCounter } from '@classchat/service';

/** rag's Prometheus metrics (SPEC §7), one registry per server instance. */
export function createRagMetrics() {
  const base = createStreamMetrics('Model streams');
  const { registry } = base;
  return {
    ...base,
    ingestPages: new Counter({ name: 'ingest_pages_total', help: 'Pages ingested', registers: [registry] }),
    ingestCompleted: ingestCompletedCounter(registry),
  };
}
export type RagMetrics = ReturnType<typeof createRagMetrics>;
