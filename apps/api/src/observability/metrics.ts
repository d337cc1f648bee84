import { Counter } from 'prom-client';
import { createStreamMetrics, ingestCompletedCounter } from '@classchat/service';

/** The api's Prometheus metrics (SPEC §7), one registry per server instance. */
export function createApiMetrics() {
  const base = createStreamMetrics('Chat streams relayed to the browser');
  const { registry } = base;
  return {
    ...base,
    ingestStarted: new Counter({
      name: 'ingest_started_total',
      help: 'Document ingestions started',
      registers: [registry],
    }),
    ingestCompleted: ingestCompletedCounter(registry),
  };
}
export type ApiMetrics = ReturnType<typeof createApiMetrics>;
