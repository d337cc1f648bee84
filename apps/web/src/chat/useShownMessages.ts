import type { MessageDto, SessionDetail } from '@classchat/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ShownRevisions } from './shownRevisions.js';

/**
 * The messages a chat view shows, and how new they are (ShownRevisions). `messagesRef` is the list
 * as last rendered, for callbacks that run outside render (socket events, finished reads).
 */
export function useShownMessages() {
  const [messages, setMessages] = useState<MessageDto[]>([]);
  const [revisions] = useState(() => new ShownRevisions());
  const messagesRef = useRef(messages);
  useEffect(() => {
    messagesRef.current = messages;
  }, [messages]);

  /** Shows a read of the chat, keeping what events newer than the read already showed. */
  const showRead = useCallback(
    (detail: SessionDetail) => {
      revisions.recordRead(detail.rev);
      setMessages((shown) => revisions.merge(shown, detail));
    },
    [revisions],
  );

  return { messages, setMessages, messagesRef, revisions, showRead };
}

export type ShownMessages = ReturnType<typeof useShownMessages>;
