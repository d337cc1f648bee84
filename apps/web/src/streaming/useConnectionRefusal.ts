import { SOCKET_TOO_MANY_ERROR } from '@classchat/contracts';
import { useEffect } from 'react';
import { useToast } from '../ui/Toasts.js';
import { useRealtimeSocket } from './SocketContext.js';
import type { RealtimeSocket } from './socket.js';

export const TOO_MANY_TABS_MESSAGE =
  'Live answers are off in this tab: too many tabs are open. Close one, then reload this tab.';

/** What to tell the student when the server refused the live connection, or null for other errors. */
export function refusalMessage(error: Error & { data?: unknown }): string | null {
  const data = error.data as { code?: unknown } | undefined;
  return data?.code === SOCKET_TOO_MANY_ERROR ? TOO_MANY_TABS_MESSAGE : null;
}

/**
 * A refused handshake is not retried by the client, so without a word the tab's answers would only
 * end with "connection lost" later: say why at once, and offer the reload that connects again.
 */
export function useConnectionRefusal(explicit?: RealtimeSocket): void {
  const socket = useRealtimeSocket(explicit);
  const toast = useToast();
  useEffect(() => {
    const onRefused = (error: Error & { data?: unknown }) => {
      const message = refusalMessage(error);
      if (!message) return;
      toast.show({ tone: 'error', message, action: { label: 'Reload', onClick: () => location.reload() } });
    };
    socket.on('connect_error', onRefused);
    return () => void socket.off('connect_error', onRefused);
  }, [socket, toast]);
}
