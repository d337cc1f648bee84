import { z } from 'zod';
import { Id, IsoDate, nullableId, storedText } from './common.js';
import { AnswerStudy } from './study.js';

export const Route = z.enum([
  'general_qa',
  'follow_up',
  'quote_finding',
  'generate_study_guide',
  'summary',
  'quiz',
]);
export type Route = z.infer<typeof Route>;

export const Source = z.enum(['main_app', 'chrome_extension']);
export type Source = z.infer<typeof Source>;

/** One numbered source the answer cites; `page` is the 1-based physical page of the file. */
export const Citation = z.object({
  n: z.number().int().positive(),
  documentId: Id,
  fileName: z.string(),
  page: z.number().int().positive(),
  chunkId: Id,
  snippet: z.string(),
  /** Character offsets of the cited passage within `page`'s text, for highlighting. */
  charStart: z.number().int().nonnegative().nullable(),
  charEnd: z.number().int().nonnegative().nullable(),
  /**
   * Path of the viewer showing the span, e.g. `/documents/{id}?page=17&start=1234&end=1310`
   * (citations saved before spans link `?page=3&chunk={chunkId}`).
   */
  href: z.string(),
  /** Section titles from outermost to innermost (absent on citations saved before sections were read). */
  sectionPath: z.array(z.string()).optional(),
});
export type Citation = z.infer<typeof Citation>;

/** A chunk that was given to the model; the follow-up route reloads these by id. */
export const ChunkReference = z.object({
  chunkId: Id,
  documentId: Id,
  fileName: z.string(),
  pageStart: z.number().int().positive(),
  pageEnd: z.number().int().positive(),
});
export type ChunkReference = z.infer<typeof ChunkReference>;

/**
 * Whether the answer stands on the student's material: `grounded` (passages answered it),
 * `not_covered` (the scope has material but nothing answers well enough: the answer says so and
 * names the closest sections), `no_material` (no ready documents in scope: none uploaded, an empty
 * class, or still processing). Only a grounded answer costs a chat on the free plan. Absent on
 * answers saved before it was recorded, which count as grounded.
 */
export const AnswerCoverage = z.enum(['grounded', 'not_covered', 'no_material']);
export type AnswerCoverage = z.infer<typeof AnswerCoverage>;

export const MessageStatus = z.enum(['complete', 'stopped']);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const MessageVersion = z.object({
  content: z.string(),
  citations: z.array(Citation),
  chunkReferences: z.array(ChunkReference),
  createdAt: IsoDate,
  coverage: AnswerCoverage.optional(),
  /** How this version ended (`stopped`: the student pressed Stop); absent on versions saved before it was kept. */
  status: MessageStatus.optional(),
  /** The quiz or study guide of this version, when it has one (rendered interactively by the web app). */
  study: AnswerStudy.optional(),
});
export type MessageVersion = z.infer<typeof MessageVersion>;

export const MessageRole = z.enum(['user', 'assistant']);
export type MessageRole = z.infer<typeof MessageRole>;

export const Reaction = z.enum(['like', 'dislike']);
export type Reaction = z.infer<typeof Reaction>;

export const MessageDto = z.object({
  id: Id,
  position: z.number().int().nonnegative(),
  role: MessageRole,
  content: z.string(),
  citations: z.array(Citation),
  chunkReferences: z.array(ChunkReference),
  versions: z.array(MessageVersion),
  currentVersion: z.number().int().nonnegative(),
  reaction: Reaction.nullable(),
  route: Route.nullable(),
  status: MessageStatus,
  createdAt: IsoDate,
  /** The current version's coverage (answers only; absent on answers saved before it was recorded). */
  coverage: AnswerCoverage.optional(),
});
export type MessageDto = z.infer<typeof MessageDto>;

export const SessionDto = z.object({
  id: Id,
  title: z.string(),
  assignedClass: Id.nullable(),
  assignedDocument: Id.nullable(),
  source: Source,
  ephemeral: z.boolean(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type SessionDto = z.infer<typeof SessionDto>;

export const SessionList = z.object({ sessions: z.array(SessionDto) });
export type SessionList = z.infer<typeof SessionList>;

/**
 * An answer still being written in a session: follow it with `chat-stream-resume {streamId, afterSeq}`
 * (afterSeq 0 replays it from the start). `seq` is the last token seq published when the session was read.
 */
export const ActiveStreamRef = z.object({ streamId: Id, seq: z.number().int().nonnegative() });
export type ActiveStreamRef = z.infer<typeof ActiveStreamRef>;

export const SessionDetail = z.object({
  session: SessionDto,
  messages: z.array(MessageDto),
  /** The answer being written in this session right now, if any (absent from older servers). */
  activeStream: ActiveStreamRef.nullable().optional(),
  /**
   * The user-event clock (`rev`) taken just before the messages were read: a `message-updated`
   * event at or below it carries a state no newer than this one (absent from older servers).
   */
  rev: z.number().nonnegative().optional(),
});
export type SessionDetail = z.infer<typeof SessionDetail>;

export const MAX_MESSAGE_CHARS = 8000;

/**
 * `POST chat/new`. `class_name` is the seed product's name for the class id and is accepted as an
 * alias of `classId`; `retry` regenerates the last answer of `chatSessionId`.
 */
export const ChatNewBody = z
  .object({
    message: storedText().trim().max(MAX_MESSAGE_CHARS).default(''),
    classId: nullableId.optional(),
    class_name: nullableId.optional(),
    docId: nullableId.optional(),
    chatSessionId: nullableId.optional(),
    ephemeral: z.boolean().default(false),
    retry: z.boolean().default(false),
    streamId: Id.optional(),
  })
  .transform(({ class_name, classId, ...rest }) => ({ ...rest, classId: classId ?? class_name ?? null }))
  .refine((b) => b.retry || b.message.length > 0, { message: 'Enter a message', path: ['message'] })
  .refine((b) => !b.retry || !!b.chatSessionId, {
    message: 'Retry needs the chatSessionId of the answer to regenerate',
    path: ['chatSessionId'],
  });
export type ChatNewBody = z.infer<typeof ChatNewBody>;

export const ChatNewAccepted = z.object({ chatSessionId: Id, streamId: Id, userMessageId: Id.nullable() });
export type ChatNewAccepted = z.infer<typeof ChatNewAccepted>;

/**
 * What `POST chat/new` answers without `Accept: text/event-stream`: accepted (202; the answer then
 * streams to the user's room), or, when the server has streaming turned off, the chat with its
 * finished answer (200).
 */
export const ChatNewResponse = z.union([ChatNewAccepted, SessionDetail]);
export type ChatNewResponse = z.infer<typeof ChatNewResponse>;

export const RenameSessionBody = z.object({ title: storedText().trim().min(1, 'Enter a title').max(200) });
export type RenameSessionBody = z.infer<typeof RenameSessionBody>;

export const ReactionBody = z.object({ reaction: Reaction.nullable() });
export type ReactionBody = z.infer<typeof ReactionBody>;

export const VersionBody = z.object({ index: z.number().int().nonnegative() });
export type VersionBody = z.infer<typeof VersionBody>;

export const MessageParams = z.object({ id: Id, messageId: Id });
export type MessageParams = z.infer<typeof MessageParams>;

export const StreamParams = z.object({ streamId: Id });
export type StreamParams = z.infer<typeof StreamParams>;
