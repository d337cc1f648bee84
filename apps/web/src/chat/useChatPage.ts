import type { SessionDto } from '@classchat/contracts';
import { useCallback, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { Scope } from './ScopePickers.js';
import { useChatController } from './useChatController.js';
import { useChatData } from './useChatData.js';

/**
 * The chat page's state: the sidebar's data, the conversation of the chat in the URL, the scope
 * (first from `?class=&doc=`, then the loaded chat's) and the composer's draft, which a failed
 * question gives back unless the student already typed a new one.
 */
export function useChatPage(sessionId: string | null) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [draft, setDraft] = useState('');
  const [scope, setScope] = useState<Scope>(() => ({
    classId: params.get('class'),
    docId: params.get('doc'),
  }));
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const data = useChatData();
  const { refreshSessions, refreshUsage } = data;

  const chat = useChatController({
    sessionId,
    scope,
    onSessionCreated: useCallback(
      (id: string) => {
        void navigate(`/chat/${id}`, { replace: true });
        void refreshSessions();
      },
      [navigate, refreshSessions],
    ),
    onSessionLoaded: useCallback(
      (s: SessionDto) => setScope({ classId: s.assignedClass, docId: s.assignedDocument }),
      [],
    ),
    onSettled: useCallback(() => {
      void refreshUsage();
      void refreshSessions();
    }, [refreshUsage, refreshSessions]),
    onRestoreDraft: useCallback((text: string) => setDraft((d) => (d.trim() ? d : text)), []),
  });

  /** Puts `text` in the composer and the cursor there, ready to send or edit. */
  function pick(text: string) {
    setDraft(text);
    composerRef.current?.focus();
  }

  function send(text: string) {
    setDraft('');
    chat.send(text);
    composerRef.current?.focus();
  }

  return { data, chat, scope, setScope, draft, setDraft, composerRef, pick, send };
}

export type ChatPageState = ReturnType<typeof useChatPage>;
