import type { StreamAck } from '@classchat/contracts';
import type { Logger } from 'pino';
import type { TypedSocket } from '../../realtime/socket-server.js';
import type { ChatEvent } from '../events.js';
import { sendChatEvent } from './direct-send.js';
import { studentMessage } from '../failures.js';
import type { ReplayStore } from '../replay/index.js';
import { DeliveryGate } from './delivery-gate.js';
import { ResumeLimiter, type ResumeLimits } from './resume-limiter.js';

/** Events per replay read; the replay yields to the event loop after each. */
export const DEFAULT_REPLAY_BATCH = 256;
/** Streams one socket is followed on at most (the oldest is forgotten beyond it). */
const MAX_STREAMS_PER_SOCKET = 32;

/** The part of a socket the delivery uses (a Socket.IO server socket, or a fake in tests). */
export type DeliverySocket = Pick<TypedSocket, 'id' | 'data' | 'emit' | 'on'>;

export interface StreamDeliveryOptions {
  replay: ReplayStore;
  logger: Logger;
  /** Sends one event to one socket (default: `sendChatEvent`, outside Socket.IO's recovery). */
  send?: (socket: DeliverySocket, event: ChatEvent) => void;
  batchSize?: number;
  limits?: ResumeLimits;
  /**
   * With several processes (Redis), whether a stream runs here; streams running elsewhere are
   * checked for a lost owner every `ownerCheckMs` once quiet that long.
   */
  runsHere?: (streamId: string) => boolean;
  ownerCheckMs?: number;
  now?: () => number;
}

export interface StreamDelivery {
  /** A socket connected (new or recovered): its user's streams may now reach it. */
  connect(socket: DeliverySocket): void;
  /**
   * A live event of `userId`'s stream, for this process's sockets of that user. `opens`: the
   * stream's first event (its start, or the end of a stream that failed before starting), which
   * every socket of the user gets; later ones go to the sockets following the stream.
   */
  deliver(userId: string, event: ChatEvent, opens?: boolean): void;
  /**
   * Sends `socket` what it has not shown of the stream (everything after `afterSeq`), in bounded
   * batches, then lets live events through again. One replay per socket and stream: a new one
   * supersedes it. Limited per socket and per stream (`ok: false` beyond).
   */
  resume(socket: DeliverySocket, streamId: string, afterSeq: number): Promise<StreamAck>;
  /** Watches that are quiet and not running here: ends the ones whose owner is gone. */
  checkOwners(): Promise<void>;
  stats(): { sockets: number; watches: number };
}

interface Watch {
  gate: DeliveryGate;
  socket: DeliverySocket;
  streamId: string;
  seenAt: number;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The one way chat events reach sockets, live or replayed: every (socket, stream) pair has a
 * `DeliveryGate`, so a client receives each seq once whether it was connected all along, was
 * recovered by Socket.IO, reconnected, reloaded or opened a second tab. Chat events never go through
 * Socket.IO's rooms nor its connection state recovery (see `sendChatEvent`): a socket follows a
 * stream from its start when connected then, or from its `resume`.
 */
export function createStreamDelivery(options: StreamDeliveryOptions): StreamDelivery {
  const { replay, logger } = options;
  const send = options.send ?? sendChatEvent;
  const batch = Math.max(1, options.batchSize ?? DEFAULT_REPLAY_BATCH);
  const limiter = new ResumeLimiter(options.limits);
  const now = options.now ?? Date.now;
  const socketsOf = new Map<string, Set<DeliverySocket>>();
  const watches = new Map<DeliverySocket, Map<string, Watch>>();

  const watchOf = (socket: DeliverySocket, streamId: string, afterSeq: number): Watch => {
    let mine = watches.get(socket);
    if (!mine) watches.set(socket, (mine = new Map<string, Watch>()));
    let watch = mine.get(streamId);
    if (!watch) {
      if (mine.size >= MAX_STREAMS_PER_SOCKET) mine.delete(mine.keys().next().value!);
      watch = { gate: new DeliveryGate(afterSeq), socket, streamId, seenAt: now() };
      mine.set(streamId, watch);
    }
    return watch;
  };

  const forget = (watch: Watch) => {
    const mine = watches.get(watch.socket);
    if (mine?.get(watch.streamId) === watch) mine.delete(watch.streamId);
    if (mine?.size === 0) watches.delete(watch.socket);
  };

  const emit = (watch: Watch, events: readonly ChatEvent[]) => {
    for (const event of events) send(watch.socket, event);
    if (watch.gate.ended) forget(watch);
  };

  const interrupted = (streamId: string, sessionId: string): ChatEvent => ({
    type: 'chat-stream-error',
    sessionId,
    streamId,
    code: 'stream_interrupted',
    error: studentMessage('stream_interrupted'),
    retryable: true,
  });

  /** Reads the buffer after the gate's seq in batches until caught up; false when nothing is there. */
  async function replayInto(watch: Watch, run: number): Promise<boolean> {
    const { gate, socket, streamId } = watch;
    let found = false;
    for (;;) {
      const read = await replay.read(streamId, socket.data.userId, gate.lastSeq, batch);
      if (!gate.isCurrent(run)) return found || read !== null;
      if (!read) {
        const held = gate.abandonReplay(run);
        emit(watch, held);
        // Nothing known and nothing live: follow it only if it starts later (its start comes live).
        if (!found && held.length === 0) forget(watch);
        return found;
      }
      found = true;
      emit(watch, gate.replayed(run, read.events));
      if (!gate.isCurrent(run)) return true;
      const caughtUp = read.ended || read.events.length < batch;
      if (caughtUp && !read.ownerAlive) {
        const end = interrupted(streamId, read.sessionId);
        await replay.append(streamId, socket.data.userId, end).catch((err: unknown) => {
          logger.warn({ err, streamId }, 'could not record the end of an orphaned stream');
        });
        emit(watch, gate.replayed(run, [end]));
        return true;
      }
      if (caughtUp) {
        const { send: held, done } = gate.finishReplay(run);
        emit(watch, held);
        if (done) return true;
      }
      await yieldToLoop();
      // The socket left (or the stream was forgotten for it): nobody to send the rest to.
      if (watches.get(socket)?.get(streamId) !== watch) return true;
    }
  }

  const startReplay = (watch: Watch, afterSeq: number | null): Promise<boolean> => {
    const run = watch.gate.beginReplay(afterSeq);
    return replayInto(watch, run).catch((err: unknown) => {
      emit(watch, watch.gate.abandonReplay(run));
      throw err;
    });
  };

  const fillGap = (watch: Watch) => {
    startReplay(watch, null).catch((err: unknown) => {
      logger.error({ err, streamId: watch.streamId }, 'replay of a missed event failed');
    });
  };

  return {
    connect(socket) {
      const userId = socket.data.userId;
      let sockets = socketsOf.get(userId);
      if (!sockets) socketsOf.set(userId, (sockets = new Set()));
      sockets.add(socket);
      socket.on('disconnect', () => {
        watches.delete(socket);
        const set = socketsOf.get(userId);
        set?.delete(socket);
        if (set?.size === 0) socketsOf.delete(userId);
      });
    },

    deliver(userId, event, opens = event.type === 'chat-stream-start') {
      const sockets = socketsOf.get(userId);
      if (!sockets) return;
      for (const socket of sockets) {
        const known = watches.get(socket)?.get(event.streamId);
        // A socket follows a stream from its first event, or from its own resume.
        if (!known && !opens) continue;
        const watch = known ?? watchOf(socket, event.streamId, 0);
        watch.seenAt = now();
        const verdict = watch.gate.live(event);
        if ('gap' in verdict) fillGap(watch);
        else emit(watch, verdict.send);
      }
    },

    async resume(socket, streamId, afterSeq) {
      if (!limiter.allow(socket.id, socket.data.userId, streamId)) return { ok: false, found: false };
      const watch = watchOf(socket, streamId, afterSeq);
      watch.seenAt = now();
      return { ok: true, found: await startReplay(watch, afterSeq) };
    },

    async checkOwners() {
      const quietSince = now() - (options.ownerCheckMs ?? 0);
      const due: Watch[] = [];
      for (const mine of watches.values()) {
        for (const watch of mine.values()) {
          if (watch.gate.inReplay || watch.seenAt > quietSince) continue;
          if (options.runsHere?.(watch.streamId) ?? true) continue;
          due.push(watch);
        }
      }
      for (const watch of due) {
        watch.seenAt = now();
        // A replay from the last seq sent: delivers what a lost live event left out, and ends the
        // stream (for every watcher, through the buffer) if its owner is gone.
        await startReplay(watch, null).catch((err: unknown) => {
          logger.warn({ err, streamId: watch.streamId }, 'owner check failed');
        });
      }
    },

    stats() {
      let count = 0;
      for (const mine of watches.values()) count += mine.size;
      return { sockets: socketsOf.size, watches: count };
    },
  };
}
