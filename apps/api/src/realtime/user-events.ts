import { USER_EVENT, type UserEvent } from '@classchat/contracts';
import type { Repositories, UsageRow } from '@classchat/db';
import type { Logger } from 'pino';
import { readUsage, toUsage, type UsageLimits } from '../auth/auth-service.js';
import { toMessageDto, toSessionDto } from '../chat/dto.js';
import { toClassDto } from '../classes/classes-service.js';
import { toDocumentDto } from '../documents/documents-service.js';
import type { Realtime } from './socket-server.js';

/** Distributes `Omit` over the union, so each event keeps its own fields. */
type Unrevised<E> = E extends UserEvent ? Omit<E, 'rev'> : never;
export type UserEventBody = Unrevised<UserEvent>;

/**
 * A clock for `rev`: wall-clock milliseconds, made strictly increasing (a later call never returns
 * the same or a smaller value, even within one millisecond or when the system clock steps back).
 */
export function createRevClock(now: () => number = Date.now): () => number {
  let last = 0;
  return () => {
    last = Math.max(now(), last + 0.001);
    return last;
  };
}

/**
 * Tells every tab and device of a user what changed in their account (`user-event` to their room).
 * Each publish reads the entity's current state after the change and stamps it with a rev taken
 * before that read, so of two publishes the later rev never carries the older state. Publishing
 * never throws: a failure is logged and the page catches up on its next read.
 */
export interface UserEventPublisher {
  /** The next rev, for a read whose result a page compares with these events (a chat's messages). */
  rev(): number;
  emit(userId: string, event: UserEventBody): void;
  session(userId: string, sessionId: string): Promise<void>;
  sessionDeleted(userId: string, sessionId: string): void;
  message(userId: string, sessionId: string, messageId: string): Promise<void>;
  usage(userId: string): Promise<void>;
  /** A usage a statement returned (no read), with a rev taken before that statement ran. */
  usageAsOf(userId: string, rev: number, usage: UsageRow): void;
  classChanged(userId: string, classId: string): Promise<void>;
  classDeleted(userId: string, classId: string): void;
  /** The document and its class (whose counts follow the document's status). */
  document(userId: string, documentId: string): Promise<void>;
  documentDeleted(userId: string, documentId: string, classId: string | null): void;
}

export function createUserEventPublisher(deps: {
  realtime: Pick<Realtime, 'toUser'>;
  repos: Pick<Repositories, 'sessions' | 'messages' | 'users' | 'documents' | 'classes'>;
  limits: UsageLimits;
  logger: Logger;
  rev?: () => number;
}): UserEventPublisher {
  const { repos, realtime } = deps;
  const nextRev = deps.rev ?? createRevClock();
  const send = (userId: string, rev: number, event: UserEventBody) =>
    realtime.toUser(userId).emit(USER_EVENT, { ...event, rev });
  /** Reads after taking the rev; the read decides the event (or none). */
  const publish = async (
    userId: string,
    what: string,
    read: () => Promise<UserEventBody | null>,
  ): Promise<void> => {
    const rev = nextRev();
    try {
      const event = await read();
      if (event) send(userId, rev, event);
    } catch (err) {
      deps.logger.warn({ err, userId, what }, 'user event not published');
    }
  };

  const publisher: UserEventPublisher = {
    rev: nextRev,
    emit: (userId, event) => send(userId, nextRev(), event),
    session: (userId, sessionId) =>
      publish(userId, 'session', async () => {
        const row = await repos.sessions.get(userId, sessionId);
        if (!row) return { type: 'session-deleted', sessionId };
        return row.ephemeral ? null : { type: 'session-updated', session: toSessionDto(row) };
      }),
    sessionDeleted: (userId, sessionId) => publisher.emit(userId, { type: 'session-deleted', sessionId }),
    message: (userId, sessionId, messageId) =>
      publish(userId, 'message', async () => {
        const row = await repos.messages.getForUser(userId, sessionId, messageId);
        return row ? { type: 'message-updated', sessionId, message: toMessageDto(row) } : null;
      }),
    usage: (userId) =>
      publish(userId, 'usage', async () => {
        const usage = await readUsage(repos, userId, deps.limits);
        return usage ? { type: 'usage-updated', usage } : null;
      }),
    usageAsOf: (userId, rev, usage) =>
      send(userId, rev, { type: 'usage-updated', usage: toUsage(usage, deps.limits) }),
    classChanged: (userId, classId) =>
      publish(userId, 'class', async () => {
        const row = await repos.classes.get(userId, classId);
        return row ? { type: 'class-updated', class: toClassDto(row) } : { type: 'class-deleted', classId };
      }),
    classDeleted: (userId, classId) => publisher.emit(userId, { type: 'class-deleted', classId }),
    document: async (userId, documentId) => {
      let classId: string | null = null;
      await publish(userId, 'document', async () => {
        const row = await repos.documents.get(userId, documentId);
        if (!row) return { type: 'document-deleted', documentId };
        classId = row.classId;
        return { type: 'document-updated', document: toDocumentDto(row) };
      });
      if (classId) await publisher.classChanged(userId, classId);
    },
    documentDeleted: (userId, documentId, classId) => {
      publisher.emit(userId, { type: 'document-deleted', documentId });
      if (classId) void publisher.classChanged(userId, classId);
    },
  };
  return publisher;
}
