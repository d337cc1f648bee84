import {
  ChatNewResponse,
  MessageDto,
  NoContent,
  SessionDetail,
  SessionDto,
  SessionList,
  StreamAck,
  type Reaction,
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
  sessions: async () => (await request(SessionList, '/chat/sessions')).sessions,
  session: (id: string) => request(SessionDetail, `/chat/sessions/${id}`),
  rename: (id: string, title: string) =>
    request(SessionDto, `/chat/sessions/${id}`, { method: 'PATCH', body: { title } }),
  remove: (id: string) => request(NoContent, `/chat/sessions/${id}`, { method: 'DELETE' }),
  /**
   * Starts an answer; it then arrives as `chat-stream-*` socket events carrying `streamId`. A server
   * with streaming turned off answers with the chat and its finished answer instead.
   */
  send: (input: SendChatInput) =>
    request(ChatNewResponse, '/chat/new', {
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
    request(MessageDto, `/chat/sessions/${sessionId}/messages/${messageId}/reaction`, {
      method: 'PUT',
      body: { reaction },
    }),
  setVersion: (sessionId: string, messageId: string, index: number) =>
    request(MessageDto, `/chat/sessions/${sessionId}/messages/${messageId}/version`, {
      method: 'PUT',
      body: { index },
    }),
  cancel: (streamId: string) => request(StreamAck, `/chat/streams/${streamId}/cancel`, { method: 'POST' }),
};
