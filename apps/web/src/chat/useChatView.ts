import type { SessionDto } from '@classchat/contracts';
import { useEffect, useRef, type MutableRefObject } from 'react';
import { useShownMessages, type ShownMessages } from './useShownMessages.js';

/** What the page is told by the chat view. */
export interface ChatPageCallbacks {
  onSessionCreated: (sessionId: string) => void;
  onSessionLoaded: (session: SessionDto) => void;
  /** After every finished or failed answer (refresh usage, the session list). */
  onSettled: () => void;
  onRestoreDraft: (text: string) => void;
}

/**
 * What the hooks of one chat view share: the messages shown, and — for code that runs outside
 * render (socket events, finished requests) — the chat in the URL and the page's callbacks as last
 * rendered.
 */
export interface ChatView {
  sessionIdRef: MutableRefObject<string | null>;
  pageRef: MutableRefObject<ChatPageCallbacks>;
  shown: ShownMessages;
}

export function useChatView(sessionId: string | null, page: ChatPageCallbacks): ChatView {
  const shown = useShownMessages();
  const sessionIdRef = useRef(sessionId);
  const pageRef = useRef(page);
  useEffect(() => {
    sessionIdRef.current = sessionId;
    pageRef.current = page;
  });
  return { sessionIdRef, pageRef, shown };
}
