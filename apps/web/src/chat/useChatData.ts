import type { ClassDto, DocumentDto, SessionDto, Usage } from '@classchat/contracts';
import { useCallback, useEffect, useState } from 'react';
import { authApi } from '../api/auth.js';
import { chatApi } from '../api/chat.js';
import { classesApi } from '../api/classes.js';
import { documentsApi } from '../api/documents.js';
import { applyToClasses, applyToDocuments, applyToSessions } from '../streaming/applyUserEvent.js';
import { useDocumentEvents } from '../streaming/useDocumentEvents.js';
import { useUserEvents } from '../streaming/useUserEvents.js';

/** What the chat page shows around the conversation: sessions, usage, classes and documents. */
export function useChatData() {
  const [sessions, setSessions] = useState<SessionDto[] | null>(null);
  const [usage, setUsage] = useState<Usage | null>(null);
  const [classes, setClasses] = useState<ClassDto[]>([]);
  const [documents, setDocuments] = useState<DocumentDto[]>([]);

  const refreshSessions = useCallback(async () => {
    try {
      const list = await chatApi.sessions();
      setSessions(list.filter((s) => !s.ephemeral));
    } catch {
      setSessions((s) => s ?? []);
    }
  }, []);

  const refreshUsage = useCallback(async () => {
    try {
      setUsage(await authApi.usage());
    } catch {
      /* the meter simply stays as it was */
    }
  }, []);

  // A document that finishes processing while the chat is open becomes pickable at once.
  useDocumentEvents({
    onReady: () => void documentsApi.list().then(setDocuments, () => undefined),
  });

  const refreshAll = useCallback(() => {
    void refreshSessions();
    void refreshUsage();
    classesApi.list().then(setClasses, () => undefined);
    documentsApi.list().then(setDocuments, () => undefined);
  }, [refreshSessions, refreshUsage]);

  useEffect(refreshAll, [refreshAll]);

  // What this or another tab or device changed: the list, the meter and the pickers follow at once.
  useUserEvents({
    onEvent: (event) => {
      setSessions((list) => applyToSessions(list, event));
      setClasses((list) => applyToClasses(list, event));
      setDocuments((list) => applyToDocuments(list, event));
      if (event.type === 'usage-updated') setUsage(event.usage);
    },
    onResync: refreshAll,
  });

  return { sessions, setSessions, usage, classes, documents, refreshSessions, refreshUsage };
}
