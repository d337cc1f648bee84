import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import {
  SOCKET_AUTH_ERROR,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SocketData,
} from '@classchat/contracts';
import { tokenFromHeaders } from '../auth/credentials.js';
import type { TokenService } from '../auth/tokens.js';
import { ChatStreamAdapter } from './chat-adapter.js';

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
  close(): Promise<void>;
}

export const REPLAY_RECOVERY_MS = 2 * 60 * 1000;

function authError(message: string): Error {
  return Object.assign(new Error(message), { data: { code: SOCKET_AUTH_ERROR } });
}

/**
 * Socket.IO on the api's HTTP server: JWT handshake auth (cookie or `auth.token`, never the query
 * string), one room per user id, connection state recovery that re-runs the auth middleware, and the
 * Redis Streams adapter when Redis is configured so any number of api processes share rooms.
 */
export function createRealtime(
  httpServer: HttpServer,
  options: { tokens: TokenService; logger: Logger; redis?: Redis | undefined },
): Realtime {
  const io: TypedServer = new Server(httpServer, {
    serveClient: false,
    connectionStateRecovery: { maxDisconnectionDuration: REPLAY_RECOVERY_MS, skipMiddlewares: false },
    adapter: options.redis ? createAdapter(options.redis) : ChatStreamAdapter,
  });
  io.use((socket, next) => {
    const authToken: unknown = socket.handshake.auth?.token;
    const token =
      typeof authToken === 'string' && authToken ? authToken : tokenFromHeaders(socket.handshake.headers);
    if (!token) return next(authError('Please log in'));
    options.tokens.verify(token).then(
      (userId) => {
        if (!userId) return next(authError('Your session has expired. Please log in again.'));
        socket.data.userId = userId;
        next();
      },
      () => next(authError('Please log in')),
    );
  });
  const handlers: Array<(socket: TypedSocket) => void> = [];
  io.on('connection', (socket) => {
    void socket.join(socket.data.userId);
    for (const handler of handlers) handler(socket);
  });
  return {
    io,
    toUser: (userId) => io.to(userId),
    onConnection: (handler) => void handlers.push(handler),
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}
