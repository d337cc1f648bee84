import type { ClassDto, DocumentDto, MessageDto, SessionDto, UserEvent } from '@classchat/contracts';
import { isLocalId } from '../chat/messageModel.js';

/** The session list after an event: upserted or removed, most recently active first, never ephemeral. */
export function applyToSessions(sessions: SessionDto[] | null, event: UserEvent): SessionDto[] | null {
  if (!sessions) return sessions;
  if (event.type === 'session-updated') {
    const rest = sessions.filter((s) => s.id !== event.session.id);
    if (event.session.ephemeral) return rest;
    return [...rest, event.session].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }
  if (event.type === 'session-deleted') return without(sessions, (s) => s.id === event.sessionId);
  return sessions;
}

/** The class list after an event (by name, as the api lists them). */
export function applyToClasses(classes: ClassDto[], event: UserEvent): ClassDto[] {
  if (event.type === 'class-updated') {
    const rest = classes.filter((c) => c.id !== event.class.id);
    return [...rest, event.class].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
  }
  if (event.type === 'class-deleted') return without(classes, (c) => c.id === event.classId);
  return classes;
}

/**
 * The document list after an event: a changed document is replaced where it is, a new one goes
 * first (the api lists the newest first); the documents of a deleted class leave with it.
 */
export function applyToDocuments(documents: DocumentDto[], event: UserEvent): DocumentDto[] {
  if (event.type === 'document-updated') {
    const { document } = event;
    return documents.some((d) => d.id === document.id)
      ? documents.map((d) => (d.id === document.id ? document : d))
      : [document, ...documents];
  }
  if (event.type === 'document-deleted') return without(documents, (d) => d.id === event.documentId);
  if (event.type === 'class-deleted') return without(documents, (d) => d.classId === event.classId);
  return documents;
}

/** The list without the matching items; the same list when none match (no re-render). */
function without<T>(list: T[], match: (item: T) => boolean): T[] {
  return list.some(match) ? list.filter((item) => !match(item)) : list;
}

/**
 * The conversation after a message was saved or changed (a question, an answer, a retry's version,
 * a reaction, a version switch): replaced by id; this tab's own question still shown under its local
 * id becomes the saved one; otherwise inserted by position.
 */
export function applyToMessages(messages: MessageDto[], saved: MessageDto): MessageDto[] {
  if (messages.some((m) => m.id === saved.id)) return messages.map((m) => (m.id === saved.id ? saved : m));
  const local =
    saved.role === 'user'
      ? messages.find((m) => isLocalId(m.id) && m.role === 'user' && m.content === saved.content)
      : undefined;
  if (local) return messages.map((m) => (m === local ? saved : m));
  const at = messages.findIndex((m) => !isLocalId(m.id) && m.position > saved.position);
  return at === -1 ? [...messages, saved] : [...messages.slice(0, at), saved, ...messages.slice(at)];
}
