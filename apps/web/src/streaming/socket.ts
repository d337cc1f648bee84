import type { ClientToServerEvents, ServerToClientEvents } from '@classchat/contracts';
import { io, type Socket } from 'socket.io-client';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The part of a socket the streaming hooks use; tests pass a fake with these members. */
export type RealtimeSocket = Pick<ClientSocket, 'on' | 'off' | 'emit' | 'connected' | 'recovered'>;

let socket: ClientSocket | null = null;

/**
 * The app's one Socket.IO connection (default path `/socket.io`, same origin, auth cookie sent).
 * Created lazily and not connected until `connectSocket()` (after login), so listeners can be
 * attached at any time.
 */
export function getSocket(): ClientSocket {
  socket ??= io({ withCredentials: true, autoConnect: false });
  return socket;
}

export function connectSocket(): void {
  const s = getSocket();
  if (!s.connected) s.connect();
}

export function disconnectSocket(): void {
  socket?.disconnect();
}
