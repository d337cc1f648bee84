import type { DocumentReadyPayload, ProcessingStatusPayload } from '@classchat/contracts';
import { useEffect, useReducer } from 'react';
import { applyDocumentEvent, type LiveStatuses } from './documentStatus.js';
import type { RealtimeSocket } from './socket.js';
import { useRealtimeSocket } from './SocketContext.js';
import { useLatestRef } from '../ui/useLatestRef.js';

export interface DocumentEventHandlers {
  onStatus?: (payload: ProcessingStatusPayload) => void;
  onReady?: (payload: DocumentReadyPayload) => void;
}

/**
 * Live `processing-status` / `document-ready` events for the user's documents, folded into a
 * per-document status map. One listener pair while mounted; removed on unmount (StrictMode-safe).
 */
export function useDocumentEvents(
  handlers: DocumentEventHandlers = {},
  socket?: RealtimeSocket,
): LiveStatuses {
  const s = useRealtimeSocket(socket);
  const [statuses, dispatch] = useReducer(applyDocumentEvent, {});
  const handlersRef = useLatestRef(handlers);

  useEffect(() => {
    const onStatus = (payload: ProcessingStatusPayload) => {
      dispatch({ type: 'processing-status', payload });
      handlersRef.current.onStatus?.(payload);
    };
    const onReady = (payload: DocumentReadyPayload) => {
      dispatch({ type: 'document-ready', payload });
      handlersRef.current.onReady?.(payload);
    };
    s.on('processing-status', onStatus);
    s.on('document-ready', onReady);
    return () => {
      s.off('processing-status', onStatus);
      s.off('document-ready', onReady);
    };
  }, [s, handlersRef]);

  return statuses;
}
