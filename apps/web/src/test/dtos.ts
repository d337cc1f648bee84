/** What the api sends, as the web tests need it: plausible defaults, each test's changes on top. */
import type { DocumentDto, MessageDto, SessionDto, Usage } from '@classchat/contracts';
import { localUserMessage } from '../chat/messageModel.js';
import { DOC_ID, SESSION_ID, STREAM_ID } from './fakeSocket.js';

export const QUESTION_ID = '77777777-7777-4777-8777-777777777777';
export const CREATED_AT = '2025-11-20T10:00:00.000Z';

/** The chat SESSION_ID as the api lists it, with `overrides`. */
export const sessionDto = (overrides: Partial<SessionDto> = {}): SessionDto => ({
  id: SESSION_ID,
  title: 'Eigenvalues',
  assignedClass: null,
  assignedDocument: null,
  source: 'main_app',
  ephemeral: false,
  createdAt: CREATED_AT,
  updatedAt: CREATED_AT,
  ...overrides,
});

/** A saved message: the chat's first question (QUESTION_ID, complete, nothing attached), with `overrides`. */
export const messageDto = (overrides: Partial<MessageDto> = {}): MessageDto => ({
  ...localUserMessage('What is an eigenvector?', 0),
  id: QUESTION_ID,
  createdAt: CREATED_AT,
  ...overrides,
});

/** The document DOC_ID just uploaded (no class, not yet processed), with `overrides`. */
export const documentDto = (overrides: Partial<DocumentDto> = {}): DocumentDto => ({
  id: DOC_ID,
  classId: null,
  fileName: 'Lecture 1.pdf',
  mimeType: 'application/pdf',
  byteSize: 2048,
  sha256: 'abc',
  status: 'uploaded',
  pageCount: null,
  chunkCount: null,
  error: null,
  createdAt: CREATED_AT,
  readyAt: null,
  ...overrides,
});

/** A free-plan student's usage (no chats yet, nothing stored of 500 MB), with `overrides`. */
export const usageDto = (overrides: Partial<Usage> = {}): Usage => ({
  plan: 'free',
  used: 0,
  limit: 25,
  resetsAt: '2025-12-01T00:00:00.000Z',
  storage: { usedBytes: 0, limitBytes: 500 * 1024 * 1024 },
  ...overrides,
});

/** `chat-stream-start` of a general answer. */
export function streamStart(streamId = STREAM_ID, sessionId = SESSION_ID) {
  return { sessionId, streamId, route: 'general_qa' as const };
}
