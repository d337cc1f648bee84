import type { ClassDto, DocumentDto, MessageDto, SessionDto, UserEvent } from '@classchat/contracts';
import { isLocalId } from '../chat/messageModel.js';

/** The session list after an event: upserted or removed, most recently active first, never ephemeral. */
export function applyToSessions(sessions: SessionDto[] | null, event: UserEvent): SessionDto[] | null {
  if (!sessions) return sessions;
  switch (event.type) {
    case 'session-updated': {
      const rest = sessions.filter((s) => s.id !== event.session.id);
      if (event.session.ephemeral) return rest;
      return [...rest, event.session].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    }
    case 'session-deleted':
      return sessions.some((s) => s.id === event.sessionId)
        ? sessions.filter((s) => s.id !== event.sessionId)
        : sessions;
    default:
      return sessions;
  }
}

/** The class list after an event (a new class goes where the api lists it: by name). */
export function applyToClasses(classes: ClassDto[], event: UserEvent): ClassDto[] {
  switch (event.type) {
    case 'class-updated': {
      const rest = classes.filter((c) => c.id !== event.class.id);
      return [...rest, event.class].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
    }
    case 'class-deleted':
      return classes.some((c) => c.id === event.classId) ? classes.filter((c) => c.id !== event.classId) : classes;
    default:
      return classes;
  }
}

/**
 * The document list after an event: a changed document is replaced where it is, a new one goes
 * first (the api lists the newest first); a document of a class that was deleted leaves with it.
 */
export function applyToDocuments(documents: DocumentDto[], event: UserEvent): DocumentDto[] {
  switch (event.type) {
    case 'document-updated': {
      const known = documents.some((d) => d.id === event.document.id);
      return known
        ? documents.map((d) => (d.id === event.document.id ? event.document : d))
        : [event.document, ...documents];
    }
    case 'document-deleted':
      return documents.some((d) => d.id === event.documentId)
        ? documents.filter((d) => d.id !== event.documentId)
        : documents;
    case 'class-deleted':
      return documents.some((d) => d.classId === event.classId)
        ? documents.filter((d) => d.classId !== event.classId)
        : documents;
    default:
      return documents;
  }
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
