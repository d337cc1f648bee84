import { RevisionGuard, USER_EVENT, UserEvent } from '@classchat/contracts';
import { useEffect } from 'react';
import type { RealtimeSocket } from './socket.js';
import { useRealtimeSocket } from './SocketContext.js';
import { useLatestRef } from '../ui/useLatestRef.js';

export interface UserEventHandlers {
  /** A change of the account, newer than anything applied about the same entity. */
  onEvent: (event: UserEvent) => void;
  /**
   * The socket came back without its missed events (a reconnect the server could not recover):
   * refetch what the page shows.
   */
  onResync?: () => void;
}

/**
 * The account's live changes (`user-event`), every one checked against the contract and the
 * ordering guard: a late or repeated event about an entity is dropped. One listener while mounted,
 * removed on unmount (StrictMode-safe); the handlers may change on every render.
 */
export function useUserEvents(handlers: UserEventHandlers, socket?: RealtimeSocket): void {
  const s = useRealtimeSocket(socket);
  const handlersRef = useLatestRef(handlers);

  useEffect(() => {
    const guard = new RevisionGuard();
    let wasOffline = false;
    const onEvent = (payload: unknown) => {
      const parsed = UserEvent.safeParse(payload);
      if (parsed.success && guard.accept(parsed.data)) handlersRef.current.onEvent(parsed.data);
    };
    const onDisconnect = () => {
      wasOffline = true;
    };
    const onConnect = () => {
      if (!wasOffline) return;
      wasOffline = false;
      if (!s.recovered) handlersRef.current.onResync?.();
    };
    s.on(USER_EVENT, onEvent);
    s.on('disconnect', onDisconnect);
    s.on('connect', onConnect);
    return () => {
      s.off(USER_EVENT, onEvent);
      s.off('disconnect', onDisconnect);
      s.off('connect', onConnect);
    };
  }, [s, handlersRef]);
}
