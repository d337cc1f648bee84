import { z } from 'zod';
import { Usage } from './auth.js';
import { MessageDto, SessionDto } from './chat.js';
import { ClassDto } from './classes.js';
import { Id } from './common.js';
import { DocumentDto } from './documents.js';

/**
 * Ordering key of a user event: the server's clock (ms, strictly increasing within one api process)
 * when the state the event carries was read. A client keeps the highest `rev` applied per entity
 * ({@link userEventKey}) and drops an event at or below it, so a late or repeated event cannot roll a
 * page back.
 */
export const Rev = z.number().nonnegative();
export type Rev = z.infer<typeof Rev>;

/** The socket event every account change travels in, to the user's room (every tab and device). */
export const USER_EVENT = 'user-event' as const;

/**
 * One change of the user's account, carrying the whole new state of what changed (never a diff), so
 * a tab applies it without asking the api again. `message-updated` is an upsert (a question asked,
 * an answer saved, a retry's version, a reaction, a version switch); so are `session-updated`,
 * `class-updated` and `document-updated` (created or changed).
 */
export const UserEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session-updated'), rev: Rev, session: SessionDto }),
  z.object({ type: z.literal('session-deleted'), rev: Rev, sessionId: Id }),
  z.object({ type: z.literal('message-updated'), rev: Rev, sessionId: Id, message: MessageDto }),
  z.object({ type: z.literal('usage-updated'), rev: Rev, usage: Usage }),
  z.object({ type: z.literal('class-updated'), rev: Rev, class: ClassDto }),
  z.object({ type: z.literal('class-deleted'), rev: Rev, classId: Id }),
  z.object({ type: z.literal('document-updated'), rev: Rev, document: DocumentDto }),
  z.object({ type: z.literal('document-deleted'), rev: Rev, documentId: Id }),
]);
export type UserEvent = z.infer<typeof UserEvent>;
export type UserEventType = UserEvent['type'];
export type UserEventOf<T extends UserEventType> = Extract<UserEvent, { type: T }>;

/** What an event is about: its updates and its deletion share the key. */
export function userEventKey(event: UserEvent): string {
  switch (event.type) {
    case 'session-updated':
      return `session:${event.session.id}`;
    case 'session-deleted':
      return `session:${event.sessionId}`;
    case 'message-updated':
      return `message:${event.message.id}`;
    case 'usage-updated':
      return 'usage';
    case 'class-updated':
      return `class:${event.class.id}`;
    case 'class-deleted':
      return `class:${event.classId}`;
    case 'document-updated':
      return `document:${event.document.id}`;
    case 'document-deleted':
      return `document:${event.documentId}`;
  }
}

/**
 * The client's ordering guard: `accept` answers whether an event is newer than every event already
 * accepted about the same entity (and records it when it is). Pure; one per listening client.
 */
export class RevisionGuard {
  private readonly seen = new Map<string, number>();

  accept(event: UserEvent): boolean {
    const key = userEventKey(event);
    const last = this.seen.get(key);
    if (last !== undefined && event.rev <= last) return false;
    this.seen.set(key, event.rev);
    return true;
  }
}
