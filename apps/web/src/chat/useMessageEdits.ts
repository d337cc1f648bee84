import type { MessageDto, Reaction } from '@classchat/contracts';
import { useCallback, type Dispatch, type RefObject, type SetStateAction } from 'react';
import { chatApi } from '../api/chat.js';
import { errorMessage } from '../api/http.js';
import { useToast } from '../ui/Toasts.js';
import { selectVersion } from './messageModel.js';

/**
 * A student's edits of a shown answer — a reaction, the version shown — applied at once and undone
 * with a toast if the server refuses them.
 */
export function useMessageEdits(
  sessionIdRef: RefObject<string | null>,
  setMessages: Dispatch<SetStateAction<MessageDto[]>>,
) {
  const toast = useToast();
  const react = useCallback(
    (message: MessageDto, reaction: Reaction | null) => {
      const sid = sessionIdRef.current;
      if (!sid) return;
      const previous = message.reaction;
      setMessages((ms) => ms.map((m) => (m.id === message.id ? { ...m, reaction } : m)));
      chatApi.react(sid, message.id, reaction).catch((err: unknown) => {
        setMessages((ms) => ms.map((m) => (m.id === message.id ? { ...m, reaction: previous } : m)));
        toast.show({ tone: 'error', message: errorMessage(err) });
      });
    },
    [toast, sessionIdRef, setMessages],
  );

  const setVersion = useCallback(
    (message: MessageDto, index: number) => {
      const sid = sessionIdRef.current;
      if (!sid || index < 0 || index >= message.versions.length) return;
      setMessages((ms) => ms.map((m) => (m.id === message.id ? selectVersion(m, index) : m)));
      chatApi.setVersion(sid, message.id, index).then(
        (saved) => {
          if (saved.id === message.id) setMessages((ms) => ms.map((m) => (m.id === saved.id ? saved : m)));
        },
        (err: unknown) => {
          setMessages((ms) =>
            ms.map((m) => (m.id === message.id ? selectVersion(m, message.currentVersion) : m)),
          );
          toast.show({ tone: 'error', message: errorMessage(err) });
        },
      );
    },
    [toast, sessionIdRef, setMessages],
  );
  return { react, setVersion };
}
