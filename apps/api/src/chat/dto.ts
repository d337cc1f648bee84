import type { MessageDto, SessionDetail, SessionDto } from '@classchat/contracts';
import type { MessageRow, SessionRow } from '@classchat/db';

/** A stored message as the REST API and the socket events show it. */
export function toMessageDto(row: MessageRow): MessageDto {
  return {
    id: row.id,
    position: row.position,
    role: row.role,
    content: row.content,
    citations: row.citations,
    chunkReferences: row.chunkReferences,
    versions: row.versions,
    currentVersion: row.currentVersion,
    reaction: row.reaction ?? null,
    route: row.route ?? null,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    ...(row.role === 'assistant' && row.versions[row.currentVersion]?.coverage
      ? { coverage: row.versions[row.currentVersion]!.coverage }
      : {}),
  };
}

export function toSessionDto(row: SessionRow): SessionDto {
  return {
    id: row.id,
    title: row.title,
    assignedClass: row.assignedClass,
    assignedDocument: row.assignedDocument,
    source: row.source,
    ephemeral: row.ephemeral,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toSessionDetail(session: SessionRow, messages: readonly MessageRow[]): SessionDetail {
  return { session: toSessionDto(session), messages: messages.map(toMessageDto) };
}
