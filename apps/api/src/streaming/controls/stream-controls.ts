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
import type { Realtime, TypedServer, TypedSocket } from '../../realtime/socket-server.js';
import { emitChatEvent } from '../events.js';
import type { ActiveStream, StreamRegistry } from '../registry.js';
import { createReplayStore, type ReplayStore } from '../replay/index.js';

export interface StreamControlsDeps {
  streams: StreamRegistry;
  realtime: Pick<Realtime, 'onConnection' | 'io'>;
  replay: ReplayStore;
  logger: Logger;
  /**
   * Several api processes share the Socket.IO adapter (Redis): a Stop for a stream running in
   * another process is forwarded to every process (`serverSideEmit`), the one running it stops it.
   */
  clustered?: boolean;
}

export interface StreamControls {
  replay: ReplayStore;
  /**
   * Stop: aborts the user's running stream, in this process or (clustered) another; the relay then
   * saves a partial answer as `stopped`, or reports `cancelled` when no token was sent. Rejects with
   * 503 `unavailable` when the stream is not in this process and Redis, which reaches the others, is
   * down.
   */
  cancel(userId: string, streamId: string): Promise<StreamAck>;
  /**
   * Sends `socket` every event of the user's stream after `afterSeq` (then the end, once there is
   * one); the socket is in the user's room already, so live events keep coming. A seq may then
   * arrive twice or ahead of the replay: clients drop seqs they have shown and order by seq.
   */
  resume(socket: TypedSocket, streamId: string, afterSeq: number): Promise<StreamAck>;
}

/**
 * Stop and resume for chat streams (issue 6): every event the relay publishes is also appended to
 * the replay buffer (registered for each stream as it begins), and each socket gets the
 * `chat-stream-cancel` / `chat-stream-resume` handlers. Another user's stream is never found.
 */
export function createStreamControls(deps: StreamControlsDeps): StreamControls {
  const { streams, replay, logger } = deps;

  /** This process's running streams, for the recovery marks below. */
  const running = new Set<ActiveStream>();
  streams.onBegin((stream) => {
    running.add(stream);
    // Once per stream: while Redis is down every event of every stream would fail the same way.
    let failed = false;
    streams.addSink(stream.streamId, (event, s) => {
      replay.append(s.streamId, s.userId, event).catch((err: unknown) => {
        if (failed) return;
        failed = true;
        logger.error({ err, streamId: s.streamId, event: event.type }, 'replay buffer append failed');
      });
    });
  });
  streams.onEnd((stream) => void running.delete(stream));

  const marks = markRecoveries(deps.realtime.io, () =>
    [...running].map((s) => [s.streamId, s.userId, s.seq]),
  );

  const cancelHere = (userId: string, streamId: string): boolean => {
    const found = streams.cancel(userId, streamId);
    if (found) logger.info({ event: 'stream_cancel', streamId, userId }, 'stream stopped by the user');
    return found;
  };
  const cluster = deps.realtime.io as unknown as ClusterServer;
  if (deps.clustered) {
    cluster.on('chat-stream-cancel', (request, ack) => ack(cancelHere(request.userId, request.streamId)));
  }

  const controls: StreamControls = {
    replay,
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
    async resume(socket, streamId, afterSeq) {
      const read = await replay.read(streamId, socket.data.userId, afterSeq);
      if (!read) return { ok: true, found: false };
      if (read.truncated) {
        logger.warn({ streamId, afterSeq }, 'resume: part of the stream outgrew the replay buffer');
      }
      for (const event of read.events) emitChatEvent(socket, event);
      return { ok: true, found: true };
    },
  };

  deps.realtime.onConnection((socket) => {
    const before = marks.get(socket.data);
    if (socket.recovered && before) {
      // Replay what Socket.IO's recovery can drop: events published while this socket was being
      // restored (see markRecoveries), for the user's streams running then and begun since.
      const userId = socket.data.userId;
      const after = new Map<string, number>();
      for (const [streamId, owner, seq] of before) if (owner === userId) after.set(streamId, seq);
      for (const stream of streams.forUser(userId))
        if (!after.has(stream.streamId)) after.set(stream.streamId, 0);
      for (const [streamId, seq] of after) {
        controls.resume(socket, streamId, seq).catch((err: unknown) => {
          logger.error({ err, streamId }, 'replay after recovery failed');
        });
      }
    }
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

const invalid: StreamAck = { ok: false, found: false };

/** Events between api processes (Socket.IO server-side emits through the shared adapter). */
interface ClusterEvents {
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
    replay: createReplayStore({
      redis: ctx.redis,
      ttlSeconds: ctx.config.STREAM_REPLAY_TTL_S,
      maxStreamSeconds: ctx.config.STREAM_MAX_DURATION_S,
    }),
  });
}

type Mark = readonly [streamId: string, userId: string, seq: number];

/**
 * Socket.IO 4.8 recovers a socket in two steps: `restoreSession` takes the packets the socket missed
 * while away (and joins it to its rooms), then the middlewares run again (`skipMiddlewares: false`,
 * so a recovered socket is re-authenticated, asynchronously) and only then is the socket added to
 * the namespace. Anything broadcast to its rooms in between is in neither step and never reaches it
 * (measured: 2–3 tokens lost per recovery at 15 ms a token; with the Redis Streams adapter the gap
 * also spans restoreSession's Redis round trips).
 *
 * This wraps the main namespace's `restoreSession` to note, just before each restore, the seq every
 * running stream had reached; the marks ride on the restored `socket.data` (same object, so a
 * WeakMap keeps nothing alive) and the connection handler replays what was published after them.
 * Overlap with the recovered packets is at most what was published during the restore itself; the
 * client drops seqs it has seen.
 */
function markRecoveries(io: TypedServer, snapshot: () => Mark[]): WeakMap<object, Mark[]> {
  const marks = new WeakMap<object, Mark[]>();
  const adapter = io.of('/').adapter;
  const restore = adapter.restoreSession.bind(adapter);
  adapter.restoreSession = async (pid, offset) => {
    const before = snapshot();
    const session = await restore(pid, offset);
    const data: unknown = session?.data;
    if (data && typeof data === 'object') marks.set(data, before);
    return session;
  };
  return marks;
}
