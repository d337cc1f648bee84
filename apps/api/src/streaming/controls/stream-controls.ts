import { Router } from 'express';
import type { Server } from 'socket.io';
import {
  ChatStreamCancelPayload,
  ChatStreamResumePayload,
  notFound,
  StreamParams,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SocketData,
  type StreamAck,
} from '@classchat/contracts';
import { isRedisUnavailable, parseInput, redisUnavailableError } from '@classchat/service';
import type { Logger } from 'pino';
import { requireAuth, userIdOf } from '../../auth/require-auth.js';
import type { ApiContext } from '../../context.js';
import type { Realtime, TypedSocket } from '../../realtime/socket-server.js';
import {
  createStreamDelivery,
  type StreamDelivery,
  type StreamDeliveryOptions,
} from '../delivery/stream-delivery.js';
import { isTerminal, type ChatEvent } from '../events.js';
import type { ActiveStream, StreamRegistry } from '../registry.js';
import { createReplayStore, DEFAULT_OWNER_LEASE_MS, type ReplayStore } from '../replay/index.js';

export interface StreamControlsDeps {
  streams: StreamRegistry;
  realtime: Pick<Realtime, 'onConnection' | 'io'>;
  replay: ReplayStore;
  logger: Logger;
  /**
   * Several api processes share Redis: each stream's events also go to the other processes (for
   * their sockets of the stream's user), a Stop for a stream running elsewhere is forwarded to every
   * process (`serverSideEmit`) and the one running it stops it, and streams running elsewhere whose
   * owner lost its lease are ended as interrupted.
   */
  clustered?: boolean;
  /** STREAM_OWNER_LEASE_MS: renewed every third of it while this process runs streams. */
  ownerLeaseMs?: number;
  delivery?: Pick<StreamDeliveryOptions, 'batchSize' | 'limits' | 'send'>;
}

export interface StreamControls {
  replay: ReplayStore;
  delivery: StreamDelivery;
  /**
   * Stop: aborts the user's running stream, in this process or (clustered) another; the relay then
   * saves a partial answer as `stopped`, or reports `cancelled` when no token was sent. Rejects with
   * 503 `unavailable` when the stream is not in this process and Redis, which reaches the others, is
   * down.
   */
  cancel(userId: string, streamId: string): Promise<StreamAck>;
  /**
   * Sends `socket` every event of the user's stream after `afterSeq` (then the end, once there is
   * one), then its live events: each seq once (see `createStreamDelivery`).
   */
  resume(socket: TypedSocket, streamId: string, afterSeq: number): Promise<StreamAck>;
}

/**
 * Stop and resume for chat streams: every event the relay publishes is appended to the replay
 * buffer and then delivered to the user's sockets (here and, clustered, in the other processes);
 * each socket gets the `chat-stream-cancel` / `chat-stream-resume` handlers. Another user's stream
 * is never found.
 */
export function createStreamControls(deps: StreamControlsDeps): StreamControls {
  const { streams, replay, logger } = deps;
  const cluster = deps.realtime.io as unknown as ClusterServer;
  const leaseMs = deps.ownerLeaseMs ?? DEFAULT_OWNER_LEASE_MS;
  const delivery = createStreamDelivery({
    replay,
    logger,
    ...deps.delivery,
    ...(deps.clustered
      ? { runsHere: (id: string) => streams.get(id) !== undefined, ownerCheckMs: leaseMs }
      : {}),
  });
  const running = new Set<ActiveStream>();
  const lease = deps.clustered ? keepLeases(replay, running, leaseMs, logger) : null;
  const record = recordInReplay(replay, logger);
  streams.onBegin((stream) => {
    running.add(stream);
    lease?.take(stream);
    streams.addSink(stream.streamId, (event, s) => {
      record(s, event);
      // A stream that fails before it starts has its end as its first event.
      const opens = event.type === 'chat-stream-start' || (isTerminal(event) && s.route === null);
      delivery.deliver(s.userId, event, opens);
      if (deps.clustered) cluster.serverSideEmit('chat-event', { userId: s.userId, event, opens });
    });
  });
  streams.onEnd((stream) => {
    running.delete(stream);
    if (running.size === 0) lease?.stop();
  });
  const ownerChecks = deps.clustered ? checkOwnersWhileConnected(delivery, leaseMs) : null;
  if (deps.clustered) {
    cluster.on('chat-event', ({ userId, event, opens }) => delivery.deliver(userId, event, opens));
  }

  const cancelHere = (userId: string, streamId: string): boolean => {
    const found = streams.cancel(userId, streamId);
    if (found) logger.info({ event: 'stream_cancel', streamId, userId }, 'stream stopped by the user');
    return found;
  };
  if (deps.clustered) {
    cluster.on('chat-stream-cancel', (request, ack) => ack(cancelHere(request.userId, request.streamId)));
  }

  const controls: StreamControls = {
    replay,
    delivery,
    async cancel(userId, streamId) {
      if (cancelHere(userId, streamId)) return { ok: true, found: true };
      if (!deps.clustered) return { ok: true, found: false };
      try {
        // Rejects when some process does not answer within the adapter's requestsTimeout (5 s).
        const found = await cluster.serverSideEmitWithAck('chat-stream-cancel', { userId, streamId });
        return { ok: true, found: found.some(Boolean) };
      } catch (err) {
        // The other processes cannot be asked without Redis: say so rather than "not found".
        if (isRedisUnavailable(err)) throw redisUnavailableError(err);
        logger.warn({ err, streamId }, 'stop: not every api process answered');
        return { ok: true, found: false };
      }
    },
    resume: (socket, streamId, afterSeq) => delivery.resume(socket, streamId, afterSeq),
  };

  deps.realtime.onConnection((socket) => {
    delivery.connect(socket);
    ownerChecks?.start();
    socket.on('chat-stream-cancel', (payload, ack) => {
      const parsed = ChatStreamCancelPayload.safeParse(payload);
      const answer = (result: StreamAck) => {
        if (typeof ack === 'function') ack(result);
      };
      if (!parsed.success) return answer(invalid);
      controls.cancel(socket.data.userId, parsed.data.streamId).then(answer, (err: unknown) => {
        logger.warn({ err, streamId: parsed.data.streamId }, 'stop failed');
        answer({ ok: false, found: false });
      });
    });
    socket.on('chat-stream-resume', (payload, ack) => {
      const parsed = ChatStreamResumePayload.safeParse(payload);
      const answer = (result: StreamAck) => {
        if (typeof ack === 'function') ack(result);
      };
      if (!parsed.success) return answer(invalid);
      controls.resume(socket, parsed.data.streamId, parsed.data.afterSeq).then(answer, (err: unknown) => {
        logger.error({ err, streamId: parsed.data.streamId }, 'resume failed');
        answer({ ok: false, found: false });
      });
    });
  });

  return controls;
}

/**
 * Appends each event to the replay buffer, watching each batch's outcome once (appends of one batch
 * share a promise) and logging a failure once until a batch succeeds again: while Redis is down every
 * batch fails the same way.
 */
function recordInReplay(
  replay: ReplayStore,
  logger: Logger,
): (stream: ActiveStream, event: ChatEvent) => void {
  let watched: Promise<void> | null = null;
  let failing = false;
  return (stream, event) => {
    const appended = replay.append(stream.streamId, stream.userId, event);
    if (appended === watched) return;
    watched = appended;
    appended.then(
      () => (failing = false),
      (err: unknown) => {
        if (failing) return;
        failing = true;
        logger.error({ err, streamId: stream.streamId, event: event.type }, 'replay buffer append failed');
      },
    );
  };
}

/** Checks the owners of streams running elsewhere every half lease, while any socket is connected. */
function checkOwnersWhileConnected(delivery: StreamDelivery, leaseMs: number): { start(): void } {
  let timer: NodeJS.Timeout | null = null;
  const tick = () => {
    if (delivery.stats().sockets === 0 && timer) {
      clearInterval(timer);
      timer = null;
      return;
    }
    void delivery.checkOwners();
  };
  return {
    start() {
      timer ??= setInterval(tick, Math.max(50, leaseMs / 2)).unref();
    },
  };
}

/** Renews the lease of this process's running streams every third of it, while there are any. */
function keepLeases(
  replay: ReplayStore,
  running: ReadonlySet<ActiveStream>,
  leaseMs: number,
  logger: Logger,
): { take(stream: ActiveStream): void; stop(): void } {
  let timer: NodeJS.Timeout | null = null;
  const renew = (streams: readonly ActiveStream[]) => {
    const owned = streams.map(({ streamId, userId }) => ({ streamId, userId }));
    replay.keepAlive(owned).catch((err: unknown) => logger.warn({ err }, 'stream lease renewal failed'));
  };
  return {
    take(stream) {
      renew([stream]);
      timer ??= setInterval(() => renew([...running]), Math.max(10, leaseMs / 3)).unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

const invalid: StreamAck = { ok: false, found: false };

/** Events between api processes (Socket.IO server-side emits through the shared adapter). */
interface ClusterEvents {
  'chat-event': (message: { userId: string; event: ChatEvent; opens: boolean }) => void;
  'chat-stream-cancel': (
    request: { userId: string; streamId: string },
    ack: (found: boolean) => void,
  ) => void;
}
type ClusterServer = Server<ClientToServerEvents, ServerToClientEvents, ClusterEvents, SocketData>;

/**
 * The stream controls of an api context, with the replay buffer in Redis when configured (in memory
 * otherwise), and their REST side: `POST /api/v1/chat/streams/:streamId/cancel` (mount on
 * `/chat/streams`). Create once per api instance: it registers socket handlers and a replay sink.
 */
export function streamControlsRouter(ctx: ApiContext, controls: StreamControls): Router {
  const router = Router();
  router.use(requireAuth(ctx.tokens));
  router.post('/:streamId/cancel', async (req, res) => {
    const { streamId } = parseInput(StreamParams, req.params, 'path');
    const result = await controls.cancel(userIdOf(req), streamId);
    if (!result.found) throw notFound('Running answer');
    res.status(202).json(result);
  });
  return router;
}

export function createStreamControlsFor(ctx: ApiContext): StreamControls {
  return createStreamControls({
    streams: ctx.streams,
    realtime: ctx.realtime,
    logger: ctx.logger,
    clustered: ctx.redis !== undefined,
    ownerLeaseMs: ctx.config.STREAM_OWNER_LEASE_MS,
    replay: createReplayStore({
      redis: ctx.redis,
      ttlSeconds: ctx.config.STREAM_REPLAY_TTL_S,
      maxStreamSeconds: ctx.config.STREAM_MAX_DURATION_S,
      ownerLeaseMs: ctx.config.STREAM_OWNER_LEASE_MS,
    }),
  });
}
