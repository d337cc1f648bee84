import type { AnswerCoverage, ChatStreamCompletePayload, MessageDto, Route } from '@classchat/contracts';

export const LOCAL_ID_PREFIX = 'local-';

export function isLocalId(id: string): boolean {
  return id.startsWith(LOCAL_ID_PREFIX);
}

export function localUserMessage(content: string, position: number): MessageDto {
  return {
    id: `${LOCAL_ID_PREFIX}${crypto.randomUUID()}`,
    position,
    role: 'user',
    content,
    citations: [],
    chunkReferences: [],
    versions: [],
    currentVersion: 0,
    reaction: null,
    route: null,
    status: 'complete',
    createdAt: new Date().toISOString(),
  };
}

/**
 * Fold a finished stream into the message list: the answer shows exactly the `content` of
 * `chat-stream-complete`. A retry updates the existing assistant message (same id, new version);
 * a new answer is appended.
 */
export function applyCompletion(
  messages: MessageDto[],
  payload: ChatStreamCompletePayload,
  route: Route | null,
): MessageDto[] {
  const existing = messages.find((m) => m.id === payload.messageId);
  const message: MessageDto = {
    id: payload.messageId,
    position: existing?.position ?? (messages.at(-1)?.position ?? -1) + 1,
    role: 'assistant',
    content: payload.content,
    citations: payload.citations,
    chunkReferences: payload.chunkReferences,
    versions: payload.versions,
    currentVersion: payload.currentVersion,
    reaction: existing?.reaction ?? null,
    route: route ?? existing?.route ?? null,
    status: payload.status,
    createdAt: existing?.createdAt ?? new Date().toISOString(),
    ...(payload.coverage ? { coverage: payload.coverage } : {}),
  };
  if (existing) return messages.map((m) => (m.id === payload.messageId ? message : m));
  return [...messages, message];
}

/** Show version `index` of an assistant message (its content and citations). */
export function selectVersion(message: MessageDto, index: number): MessageDto {
  const version = message.versions[index];
  if (!version) return message;
  const { coverage: _previous, ...rest } = message;
  return {
    ...rest,
    content: version.content,
    citations: version.citations,
    chunkReferences: version.chunkReferences,
    currentVersion: index,
    status: version.status ?? message.status,
    ...(version.coverage ? { coverage: version.coverage } : {}),
  };
}

/**
 * Whether an answer found nothing in the student's material to stand on (the material does not
 * cover the question, or there is none yet): the api does not count such an answer as a chat.
 */
export function isUncovered(coverage: AnswerCoverage | undefined): coverage is 'not_covered' | 'no_material' {
  return coverage === 'not_covered' || coverage === 'no_material';
}

/**
 * The last assistant message, if it is the last message of the chat: the one Retry regenerates, and
 * the one an answer being written after it regenerates (a new question is saved, and shown, before
 * its answer starts, so it would be last instead).
 */
export function lastAnswer(messages: readonly MessageDto[]): MessageDto | null {
  const last = messages.at(-1);
  return last?.role === 'assistant' ? last : null;
}

/** Whether `saved` (the chat as the server has it) holds an answer or answer version `shown` lacks. */
export function answerSaved(shown: readonly MessageDto[], saved: readonly MessageDto[]): boolean {
  const versions = new Map(shown.map((m) => [m.id, m.versions.length]));
  return saved.some((m) => m.role === 'assistant' && (versions.get(m.id) ?? -1) < m.versions.length);
}
