import {
  AppError,
  notFound,
  type MessageDto,
  type Reaction,
  type SessionDetail,
  type SessionDto,
  type SessionList,
} from '@classchat/contracts';
import type { Repositories } from '@classchat/db';
import { toMessageDto, toSessionDetail, toSessionDto } from '../chat/dto.js';
import type { ActiveStreamLookup } from '../streaming/active-streams.js';
import type { StreamRegistry } from '../streaming/registry.js';

export type SessionsService = ReturnType<typeof createSessionsService>;

/**
 * A user's chat sessions and what they can do to their messages. Everything is scoped to the owner:
 * another user's session or message reads as not found (404), never as forbidden.
 */
export function createSessionsService(
  repos: Pick<Repositories, 'sessions' | 'messages'>,
  streams?: Pick<StreamRegistry, 'forUser' | 'cancel'>,
  active?: ActiveStreamLookup,
  /** The user-event clock, to stamp a chat read with (so a page can drop events older than it). */
  rev?: () => number,
) {
  /** The message if it is in the user's session `sessionId`; 404 otherwise. */
  const ownedMessage = async (userId: string, sessionId: string, messageId: string) => {
    const message = await repos.messages.getForUser(userId, sessionId, messageId);
    if (!message) throw notFound('Message');
    return message;
  };

  return {
    /** Non-ephemeral sessions, most recently active first; titles come from each first question. */
    async list(userId: string): Promise<SessionList> {
      const rows = await repos.sessions.list(userId);
      return { sessions: rows.map(toSessionDto) };
    },

    /**
     * The session, its messages and the answer being written in it right now (`activeStream`), which
     * a reloaded page follows with `chat-stream-resume {streamId, afterSeq: 0}`.
     */
    async get(userId: string, sessionId: string): Promise<SessionDetail> {
      const session = await repos.sessions.get(userId, sessionId);
      if (!session) throw notFound('Chat session');
      // Looked up before the messages are read: an answer that ends in between is then both saved
      // and named (the client folds the replayed end into the saved message), never neither.
      const activeStream = (await active?.find(userId, sessionId)) ?? null;
      // Taken before the read, as an event's rev is: an event at or below it was read no later.
      const readAt = rev?.();
      const messages = await repos.messages.list(userId, sessionId);
      return {
        ...toSessionDetail(session, messages),
        activeStream,
        ...(readAt === undefined ? {} : { rev: readAt }),
      };
    },

    async rename(userId: string, sessionId: string, title: string): Promise<SessionDto> {
      const row = await repos.sessions.rename(userId, sessionId, title);
      if (!row) throw notFound('Chat session');
      return toSessionDto(row);
    },

    /**
     * Deletes the session and its messages, and stops an answer still being written in it (this
     * process's): its model call is aborted and, as the chat is gone, nothing is saved — but an
     * answer of which the student saw any text still counts as a chat, exactly as after a Stop.
     */
    async remove(userId: string, sessionId: string): Promise<void> {
      if (!(await repos.sessions.delete(userId, sessionId))) throw notFound('Chat session');
      for (const stream of streams?.forUser(userId) ?? []) {
        if (stream.sessionId === sessionId) streams?.cancel(userId, stream.streamId);
      }
    },

    /** Likes, dislikes or (null) clears the reaction to an answer. */
    async setReaction(
      userId: string,
      sessionId: string,
      messageId: string,
      reaction: Reaction | null,
    ): Promise<MessageDto> {
      const message = await ownedMessage(userId, sessionId, messageId);
      if (message.role !== 'assistant') {
        throw new AppError('invalid_input', 'Only answers can be liked or disliked');
      }
      const row = await repos.messages.setReaction(userId, messageId, reaction);
      if (!row) throw notFound('Message');
      return toMessageDto(row);
    },

    /** Shows version `index` (0-based) of an answer: its content, citations and chunk references. */
    async setVersion(
      userId: string,
      sessionId: string,
      messageId: string,
      index: number,
    ): Promise<MessageDto> {
      const message = await ownedMessage(userId, sessionId, messageId);
      if (index >= message.versions.length) {
        throw new AppError(
          'invalid_input',
          message.versions.length === 0
            ? 'This message has no versions'
            : `Version ${index} does not exist (this answer has ${message.versions.length})`,
          [{ path: 'index', message: `must be less than ${message.versions.length}` }],
        );
      }
      const row = await repos.messages.setCurrentVersion(userId, messageId, index);
      if (!row) throw notFound('Message');
      return toMessageDto(row);
    },
  };
}
