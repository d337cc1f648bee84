import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import {
  SOCKET_AUTH_ERROR,
  SOCKET_TOO_MANY_ERROR,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SocketData,
} from '@classchat/contracts';
import { tokenFromHeaders } from '../auth/credentials.js';
import { SESSION_EXPIRED } from '../auth/require-auth.js';
import type { TokenService } from '../auth/tokens.js';
import { originAllowed, servedHosts } from '../security/origin.js';

export type TypedServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
export type TypedSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

export interface Realtime {
  io: TypedServer;
  /** Everything said to one user reaches all of that user's sockets (tabs, devices) and no one else. */
  toUser(userId: string): ReturnType<TypedServer['to']>;
  /** Register per-socket handlers (chat controls); runs for new and recovered connections. */
  onConnection(handler: (socket: TypedSocket) => void): void;
  /**
   * Closes every socket of the user, in every api process (logout: their tokens are revoked, so a
   * reconnect fails the handshake).
   */
  disconnectUser(userId: string): void;
  close(): Promise<void>;
}

/**
 * How long a dropped socket's missed user events are kept for it. Socket.IO keeps every packet sent to
 * a room for this long, whole saved messages included, in the api's heap; a busy api then spends its
 * pauses collecting them. A socket away longer reconnects unrecovered, and every page then reads what
 * it shows again, so a short window costs a reload of the page's data, never a lost event.
 */
export const REPLAY_RECOVERY_MS = 10 * 1000;

/**
 * Sockets one user may hold open on one api process: every tab and device of a student, not a
 * script opening thousands (each costs the process memory and a share of every event the user is
 * sent). One more is refused at the handshake (`connect_error`, code `too_many_connections`).
 */
export const MAX_SOCKETS_PER_USER = 20;

/** setTimeout's longest delay; a later expiry is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A socket lives no longer than the session token it connected with: at its expiry the server
 * disconnects it (the client's reconnect then fails the auth middleware until the user logs in).
 */
function closeAtExpiry(socket: TypedSocket): void {
  let timer: ReturnType<typeof setTimeout>;
  const arm = () => {
    const left = socket.data.sessionExpiresAt - Date.now();
    if (left <= 0) return void socket.disconnect(true);
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
  };
  arm();
  socket.once('disconnect', () => clearTimeout(timer));
}

/**
 * The Redis Streams adapter (rooms shared by every api process). Its `serverSideEmit` asks Redis how
 * many processes there are before publishing and drops that promise: with Redis down the request
 * then never ends and its rejection reaches the process. Here a failed request answers its
 * acknowledgement with the error, so `serverSideEmitWithAck` rejects with it. (The adapter's other
 * fire-and-forget commands are observed by the service's Redis client.)
 */
function clusterAdapter(redis: Redis): ReturnType<typeof createAdapter> {
  const create = createAdapter(redis);
  // Socket.IO instantiates the factory with `new`: a function, not an arrow.
  return function (nsp) {
    const adapter = create(nsp);
    const serverSideEmit = adapter.serverSideEmit.bind(adapter);
    adapter.serverSideEmit = async (packet: unknown[]) => {
      const ack: unknown = packet.at(-1);
      try {
        return (await serverSideEmit(packet)) as unknown;
      } catch (err) {
        if (typeof ack === 'function') (ack as (err: unknown, responses: unknown[]) => void)(err, []);
      }
    };
    return adapter;
  };
}

function authError(message: string): Error {
  return Object.assign(new Error(message), { data: { code: SOCKET_AUTH_ERROR } });
}

/** Whether a user's other sockets (a recovered socket is back in the room already) fill the limit. */
function socketLimit(io: TypedServer) {
  return (userId: string, socketId?: string) => {
    const room = io.sockets.adapter.rooms.get(userId);
    const others = (room?.size ?? 0) - (socketId && room?.has(socketId) ? 1 : 0);
    return others >= MAX_SOCKETS_PER_USER;
  };
}

/**
 * The handshake's middleware: the session token (the `auth.token` field, else the cookie; never the
 * query string) verified and not revoked, and the user below the socket limit.
 */
function handshakeAuth(
  tokens: TokenService,
  atSocketLimit: (userId: string) => boolean,
): Parameters<TypedServer['use']>[0] {
  return (socket, next) => {
    const authToken: unknown = socket.handshake.auth?.token;
    const token =
      typeof authToken === 'string' && authToken ? authToken : tokenFromHeaders(socket.handshake.headers);
    if (!token) return next(authError('Please log in'));
    tokens.verify(token).then(
      (verified) => {
        if (!verified) return next(authError(SESSION_EXPIRED));
        if (atSocketLimit(verified.userId)) {
          const message = `At most ${MAX_SOCKETS_PER_USER} connections per user: close other tabs.`;
          return next(Object.assign(new Error(message), { data: { code: SOCKET_TOO_MANY_ERROR } }));
        }
        socket.data.userId = verified.userId;
        socket.data.sessionExpiresAt = verified.expiresAt;
        next();
      },
      () => next(authError('Please log in')),
    );
  };
}

/**
 * Socket.IO on the api's HTTP server: the Origin check, JWT handshake auth (cookie or `auth.token`,
 * never the query string; a revoked token is refused), one room per user id, connection state recovery that re-runs the auth middleware, and the
 * Redis Streams adapter when Redis is configured so any number of api processes share rooms.
 */
export function createRealtime(
  httpServer: HttpServer,
  options: {
    tokens: TokenService;
    logger: Logger;
    redis?: Redis | undefined;
    /** PUBLIC_ORIGIN: the origins whose pages may connect (default: the origin addressed). */
    publicOrigins?: readonly string[] | undefined;
  },
): Realtime {
  const io: TypedServer = new Server(httpServer, {
    serveClient: false,
    // A WebSocket is not bound by the same-origin policy and carries the session cookie: a page on
    // another site, or on another port of this host, could otherwise read the user's live events.
    allowRequest: (req, callback) => {
      const allowed = originAllowed(req.headers.origin, {
        publicOrigins: options.publicOrigins,
        servedHosts: servedHosts(req),
      });
      callback(allowed ? null : 'origin not allowed', allowed);
    },
    connectionStateRecovery: { maxDisconnectionDuration: REPLAY_RECOVERY_MS, skipMiddlewares: false },
    ...(options.redis ? { adapter: clusterAdapter(options.redis) } : {}),
  });
  const atSocketLimit = socketLimit(io);
  io.use(handshakeAuth(options.tokens, atSocketLimit));
  const handlers: Array<(socket: TypedSocket) => void> = [];
  io.on('connection', (socket) => {
    // Handshakes authenticated side by side may each have passed the count in the middleware;
    // connections are handled one at a time, so counted here again none slips past it.
    if (atSocketLimit(socket.data.userId, socket.id)) return void socket.disconnect();
    void socket.join(socket.data.userId);
    closeAtExpiry(socket);
    for (const handler of handlers) handler(socket);
  });
  return {
    io,
    toUser: (userId) => io.to(userId),
    onConnection: (handler) => void handlers.push(handler),
    disconnectUser: (userId) => io.in(userId).disconnectSockets(true),
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}
