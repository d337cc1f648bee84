/**
 * Messages between the stream benchmark and its load generator (a child process over Node's IPC
 * channel): plan → connected → go → finished → result.
 */
import { z } from 'zod';

/** NaN where there were no samples. */
const num = z.number().or(z.nan());
const SummarySchema = z.object({ n: num, p50: num, p95: num, p99: num, max: num });

export const LoadPlan = z.object({
  /** `product`: POST /api/v1/chat/new, tokens on the user's socket; `peer`: a socket `ask` event. */
  path: z.enum(['product', 'peer']),
  /** Servers to spread the clients over (client i uses targets[i % n]). */
  targets: z.array(z.string()).min(1),
  /** One per client (product path: a signed-in premium user with a class that has notes). */
  users: z.array(z.object({ token: z.string(), classId: z.string() })),
  concurrency: z.number().int().positive(),
  /** Streams each client runs back to back. */
  perClient: z.number().int().positive(),
  /** Client starts are spread evenly over this many ms (one stream's length: a steady level). */
  spreadMs: z.number().nonnegative(),
  /** A pause between a client's streams (0: back to back). */
  gapMs: z.number().nonnegative().default(0),
  upstreamOrigin: z.string(),
  /**
   * Product path: while each stream runs, ask a second question in its session through another
   * target; a running answer must refuse it with 409.
   */
  probeConflicts: z.boolean(),
  streamTimeoutMs: z.number().positive(),
  /**
   * Where to write every delivered token's upstream write and client receipt (epoch ms) and its index
   * in the answer (Float64 triples), for laying the processes' event-loop stalls over them (`--loops`).
   */
  tokenLogPath: z.string().optional(),
});
export type LoadPlan = z.infer<typeof LoadPlan>;

export const LoadResult = z.object({
  streams: z.number(),
  failed: z.number(),
  errors: z.array(z.string()),
  /** Model tokens whose text reached a client. */
  tokens: z.number(),
  /** The client events that carried them (fewer than `tokens` where the path merges tokens). */
  tokenEvents: z.number(),
  /** Model tokens per second reaching the clients over the middle half of the run (the steady level). */
  steadyTokensPerS: num,
  /** Streams whose received text differs from what the upstream sent. */
  textMismatch: z.number(),
  /** Seqs skipped / seen twice, over all streams. */
  lostSeqs: z.number(),
  duplicateSeqs: z.number(),
  /** Client start → first token, minus the upstream's own request → first token. */
  addedTtft: SummarySchema,
  /** Each model token's upstream write → the client event that completed its text. */
  relay: SummarySchema,
  /**
   * Second questions asked while an answer ran: refused with 409; answered after the client had seen
   * the first answer end (it may have ended first: no verdict); anything else (a violation or a failure).
   */
  probes: z.object({
    tried: z.number(),
    refused409: z.number(),
    afterEnd: z.number(),
    other: z.array(z.string()),
  }),
  /** The load generator's own CPU seconds and event-loop lag during the run. */
  cpuS: z.number(),
  loopLagP99Ms: num,
});
export type LoadResult = z.infer<typeof LoadResult>;

export const ToLoadgen = z.discriminatedUnion('type', [
  z.object({ type: z.literal('plan'), plan: LoadPlan }),
  z.object({ type: z.literal('go') }),
]);
export type ToLoadgen = z.infer<typeof ToLoadgen>;

export const FromLoadgen = z.discriminatedUnion('type', [
  z.object({ type: z.literal('connected') }),
  z.object({ type: z.literal('finished') }),
  z.object({ type: z.literal('result'), result: LoadResult }),
]);
export type FromLoadgen = z.infer<typeof FromLoadgen>;
