import type {
  ChatNewAccepted,
  MessageDto,
  Reaction,
  SessionDetail,
  SessionDto,
  SessionList,
} from '@classchat/contracts';
import { request } from './http.js';

export interface SendChatInput {
  message: string;
  classId: string | null;
  docId: string | null;
  chatSessionId: string | null;
  streamId: string;
  retry?: boolean;
}

export const chatApi = {
  sessions: async () => (await request<SessionList>('/chat/sessions')).sessions,
  session: (id: string) => request<SessionDetail>(`/chat/sessions/${id}`),
  rename: async (id: string, title: string) =>
    unwrap<SessionDto>(
      await request<unknown>(`/chat/sessions/${id}`, { method: 'PATCH', body: { title } }),
      'session',
    ),
  remove: (id: string) => request<unknown>(`/chat/sessions/${id}`, { method: 'DELETE' }),
  /** Starts an answer; it then arrives as `chat-stream-*` socket events carrying `streamId`. */
  send: (input: SendChatInput) =>
    request<ChatNewAccepted>('/chat/new', {
      method: 'POST',
      body: {
        message: input.message,
        classId: input.classId,
        docId: input.docId,
        chatSessionId: input.chatSessionId,
        streamId: input.streamId,
        retry: input.retry ?? false,
        ephemeral: false,
      },
    }),
  react: (sessionId: string, messageId: string, reaction: Reaction | null) =>
    request<unknown>(`/chat/sessions/${sessionId}/messages/${messageId}/reaction`, {
      method: 'PUT',
      body: { reaction },
    }),
  setVersion: async (sessionId: string, messageId: string, index: number) =>
    unwrapOptional<MessageDto>(
      await request<unknown>(`/chat/sessions/${sessionId}/messages/${messageId}/version`, {
        method: 'PUT',
        body: { index },
      }),
      'message',
    ),
  cancel: (streamId: string) => request<unknown>(`/chat/streams/${streamId}/cancel`, { method: 'POST' }),
};

function unwrap<T>(body: unknown, key: string): T {
  const b = body as Record<string, unknown> | undefined;
  return ((b && key in b ? b[key] : b) ?? {}) as T;
}

function unwrapOptional<T>(body: unknown, key: string): T | null {
  const b = body as Record<string, unknown> | undefined;
  if (!b) return null;
  if (key in b) return b[key] as T;
  return 'id' in b ? (b as T) : null;
}
