import { createContext, useContext, type ReactNode } from 'react';
import { getSocket, type RealtimeSocket } from './socket.js';

const SocketContext = createContext<RealtimeSocket | null>(null);

/** Overrides the app's socket for everything below (component tests pass a fake here). */
export function SocketProvider({ socket, children }: { socket: RealtimeSocket; children: ReactNode }) {
  return <SocketContext.Provider value={socket}>{children}</SocketContext.Provider>;
}

/** The socket to listen on: an explicit one, else the provided one, else the app's single connection. */
export function useRealtimeSocket(explicit?: RealtimeSocket): RealtimeSocket {
  const provided = useContext(SocketContext);
  return explicit ?? provided ?? getSocket();
}

/** The socket a <SocketProvider> supplies, if any (then the app's own connection is left alone). */
export function useProvidedSocket(): RealtimeSocket | null {
  return useContext(SocketContext);
}
