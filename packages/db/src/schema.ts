/**
 * Drizzle schema of Class Chat (SPEC §3). The committed SQL in `../migrations` is generated from this
 * file with `npm run db:generate -w packages/db` and then hand-edited (the first migration creates the
 * `vector` extension). Keep this file free of relative imports: drizzle-kit loads it on its own.
 */
import type {
  ChunkReference,
  Citation,
  IngestStage,
  MessageVersion,
  OutlineEntry,
  PageKind,
  Route,
  SupportedMime,
} from '@classchat/contracts';
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  vector,
} from 'drizzle-orm/pg-core';

/** Dimensions of `chunk_embeddings.embedding`; rag asks the embeddings API for exactly this many. */
export const EMBEDDING_DIMENSIONS = 512;

const tsvector = customType<{ data: string }>({
  dataType: () => 'tsvector',
});

const id = () => uuid('id').primaryKey().defaultRandom();
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const planEnum = pgEnum('plan', ['free', 'premium']);
export const documentStatusEnum = pgEnum('document_status', ['uploaded', 'processing', 'ready', 'failed']);
export const sessionSourceEnum = pgEnum('session_source', ['main_app', 'chrome_extension']);
export const messageRoleEnum = pgEnum('message_role', ['user', 'assistant']);
export const reactionEnum = pgEnum('reaction', ['like', 'dislike']);
export const messageStatusEnum = pgEnum('message_status', ['complete', 'stopped']);

export const users = pgTable(
  'users',
  {
    id: id(),
    /** Stored trimmed and lowercased; unique on lower(email). */
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    plan: planEnum('plan').notNull().default('free'),
    /** Completed chats in the UTC month starting at `chatRequestResetAt`. */
    chatRequestCount: integer('chat_request_count').notNull().default(0),
    /**
     * Chats reserved by answers still being written: reservation id → when it expires (ISO time).
     * Settling an answer removes its entry; an entry a crashed process never settled is ignored
     * once its own expiry has passed, and dropped by the next reservation.
     */
    chatReservations: jsonb('chat_reservations').$type<Record<string, string>>().notNull().default({}),
    /**
     * Carried by every session token; a token of an older version is refused. Logging out bumps it,
     * which revokes every token issued before (all of the user's sessions).
     */
    tokenVersion: integer('token_version').notNull().default(0),
    /**
     * Moves whenever one of the user's documents is added, deleted, renamed, moved to another class,
     * or changes status or error (a trigger on `documents`): what an answer reads of the scope's
     * documents can be kept while it stays the same.
     */
    documentsVersion: bigint('documents_version', { mode: 'number' }).notNull().default(0),
    /** Start of the UTC month that `chatRequestCount` belongs to. */
    chatRequestResetAt: timestamp('chat_request_reset_at', { withTimezone: true })
      .notNull()
      .default(sql`date_trunc('month', now(), 'UTC')`),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`)],
);
export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;

export const classes = pgTable(
  'classes',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('classes_user_name_lower_idx').on(t.userId, sql`lower(${t.name})`)],
);
export type ClassRow = typeof classes.$inferSelect;
export type NewClassRow = typeof classes.$inferInsert;

export const documents = pgTable(
  'documents',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Deleting a class deletes its documents (the api removes their files). */
    classId: uuid('class_id').references(() => classes.id, { onDelete: 'cascade' }),
    fileName: text('file_name').notNull(),
    mimeType: text('mime_type').$type<SupportedMime>().notNull(),
    byteSize: bigint('byte_size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    status: documentStatusEnum('status').notNull().default('uploaded'),
    stage: text('stage').$type<IngestStage>(),
    /** 0..1, never decreases during one ingestion. */
    progress: real('progress').notNull().default(0),
    pageCount: integer('page_count'),
    chunkCount: integer('chunk_count'),
    /**
     * How many chunks of the document are stored, and their tokens: kept by the database (triggers
     * `chunks_count_*`, migration 0010) in the transaction that writes the chunks, so full-text
     * ranking reads a scope's size and mean chunk length from its documents instead of scanning its
     * chunks (`chunkCount` is what ingestion reported when the document became ready).
     */
    storedChunks: integer('stored_chunks').notNull().default(0),
    storedTokens: bigint('stored_tokens', { mode: 'number' }).notNull().default(0),
    error: text('error'),
    createdAt: createdAt(),
    readyAt: timestamp('ready_at', { withTimezone: true }),
    /**
     * Until when the api process ingesting the document holds it (renewed while it works). Another
     * process takes an unfinished document over only once this has passed or was released.
     */
    ingestLeaseUntil: timestamp('ingest_lease_until', { withTimezone: true }),
    /**
     * The document's sections in reading order (from the PDF outline, detected headings, DOCX heading
     * styles or Markdown `#` headings); null for documents ingested before structure was read.
     */
    outline: jsonb('outline').$type<OutlineEntry[]>(),
  },
  (t) => [
    index('documents_user_class_idx').on(t.userId, t.classId),
    index('documents_user_sha_idx').on(t.userId, t.sha256),
  ],
);
export type DocumentRow = typeof documents.$inferSelect;
export type NewDocumentRow = typeof documents.$inferInsert;

export const chunks = pgTable(
  'chunks',
  {
    id: id(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    classId: uuid('class_id'),
    chunkIndex: integer('chunk_index').notNull(),
    /** 1-based physical pages of the file. */
    pageStart: integer('page_start').notNull(),
    pageEnd: integer('page_end').notNull(),
    /** Offsets of the chunk within `pageStart`'s text. */
    charStart: integer('char_start').notNull(),
    charEnd: integer('char_end').notNull(),
    text: text('text').notNull(),
    tokenCount: integer('token_count').notNull(),
    /** Titles from the outermost section to the chunk's own, e.g. ['6 Lists and data frames', '6.3 Data frames']. */
    sectionPath: jsonb('section_path').$type<string[]>(),
    /** Physical pages (1-based) the chunk's innermost section spans. */
    sectionPageStart: integer('section_page_start'),
    sectionPageEnd: integer('section_page_end'),
    /** What the chunk's page is: body text, or a table of contents / index page (ranked down). */
    pageKind: text('page_kind').$type<PageKind>().notNull().default('body'),
    /**
     * Where the chunk's characters sit in the pages' raw text (what the viewer's PDF.js text layer
     * shows), when the chunk's text was cleaned (running headers dropped, hyphenated words joined):
     * sorted `[chunkOffset, page, pageOffset]` triples, each meaning "from chunkOffset on, character i
     * is at pageOffset + (i - chunkOffset) of page". Null: the text is `pageStart`'s raw text from
     * `charStart` on, character for character.
     */
    sourceMap: jsonb('source_map').$type<[number, number, number][]>(),
    /**
     * What full-text search matches: the text's English lexemes plus its code-like terms kept whole
     * (`asn1_write_value`, `--check`) and the parts of dotted names (`read.csv` → read, csv), from the
     * SQL function `chunk_search_tsv` (migration 0004), so a student finds code as they type it.
     */
    tsv: tsvector('tsv')
      .notNull()
      .generatedAlwaysAs(sql`chunk_search_tsv("text")`),
    /**
     * The section path's lexemes, the innermost title's with weight A (`'term':A` matches only those):
     * what the section-title boost of full-text ranking matches.
     */
    sectionTsv: tsvector('section_tsv')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(chunk_search_tsv(coalesce("section_path" ->> -1, '')), 'A') || chunk_search_tsv(coalesce("section_path", '[]'::jsonb)::text)`,
      ),
    /**
     * Whether the chunk lists rather than explains: a table-of-contents or index page, or a section
     * titled Bibliography, References, Index or Contents (full-text ranking ranks it down). Set by the
     * database (trigger `chunks_flags`, SQL function `chunk_is_listing`, migration 0009) on every
     * insert and update, so ranking reads it instead of matching a regular expression per row.
     */
    listing: boolean('listing').notNull().default(false),
    /**
     * Whether the chunk opens its section: its text starts with the section's title, or the title is a
     * line of its first 300 characters (full-text ranking ranks it up). Set by the database like
     * `listing` (SQL function `chunk_opens_section`).
     */
    opensSection: boolean('opens_section').notNull().default(false),
  },
  (t) => [
    index('chunks_tsv_gin_idx').using('gin', t.tsv),
    index('chunks_scope_idx').on(t.userId, t.classId, t.documentId),
    uniqueIndex('chunks_document_index_idx').on(t.documentId, t.chunkIndex),
  ],
);
export type ChunkRow = typeof chunks.$inferSelect;
export type NewChunkRow = typeof chunks.$inferInsert;

/**
 * A chunk's embedding, apart from its row in `chunks`, with the columns a vector search filters and
 * orders by: the exact scan of a class reads these narrow rows (a 2 kB vector each) instead of the
 * chunks' rows with their text and tsvectors, and full-text search scans chunk rows half as wide.
 * Written with the chunk, deleted with it. Absent where the database has no pgvector (migrated with
 * `classchat.without_vector`): chunks are then stored without embeddings.
 */
export const chunkEmbeddings = pgTable(
  'chunk_embeddings',
  {
    chunkId: uuid('chunk_id')
      .primaryKey()
      .references(() => chunks.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    classId: uuid('class_id'),
    documentId: uuid('document_id').notNull(),
    chunkIndex: integer('chunk_index').notNull(),
    embedding: vector('embedding', { dimensions: EMBEDDING_DIMENSIONS }).notNull(),
  },
  (t) => [
    index('chunk_embeddings_hnsw_idx').using('hnsw', t.embedding.op('vector_cosine_ops')),
    index('chunk_embeddings_scope_idx').on(t.userId, t.classId, t.documentId),
  ],
);

export const chatSessions = pgTable(
  'chat_sessions',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    assignedClass: uuid('assigned_class').references(() => classes.id, { onDelete: 'set null' }),
    assignedDocument: uuid('assigned_document').references(() => documents.id, { onDelete: 'set null' }),
    source: sessionSourceEnum('source').notNull().default('main_app'),
    ephemeral: boolean('ephemeral').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * The position the session's next message takes. Every append increments it in the UPDATE that
     * locks the session row, so concurrent turns are numbered one after the other: a position computed
     * from max(position) inside one statement reads a snapshot taken before the lock, and collides.
     */
    nextPosition: integer('next_position').notNull().default(0),
    /**
     * The answer being written in the session (its stream id), held by the api process writing it
     * until `answerLeaseUntil`, which that process renews while it writes. Claimed with a conditional
     * UPDATE by a new question or a retry, cleared when the answer settles: one running answer per
     * session across processes, and a crashed process's claim lapses on its own.
     */
    answerId: uuid('answer_id'),
    answerLeaseUntil: timestamp('answer_lease_until', { withTimezone: true }),
  },
  (t) => [index('chat_sessions_user_updated_idx').on(t.userId, t.updatedAt.desc())],
);
export type SessionRow = typeof chatSessions.$inferSelect;
export type NewSessionRow = typeof chatSessions.$inferInsert;

export const messages = pgTable(
  'messages',
  {
    id: id(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => chatSessions.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    role: messageRoleEnum('role').notNull(),
    content: text('content').notNull(),
    citations: jsonb('citations').$type<Citation[]>().notNull().default([]),
    chunkReferences: jsonb('chunk_references').$type<ChunkReference[]>().notNull().default([]),
    versions: jsonb('versions').$type<MessageVersion[]>().notNull().default([]),
    currentVersion: integer('current_version').notNull().default(0),
    reaction: reactionEnum('reaction'),
    route: text('route').$type<Route>(),
    status: messageStatusEnum('status').notNull().default('complete'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('messages_session_position_idx').on(t.sessionId, t.position)],
);
export type MessageRow = typeof messages.$inferSelect;
export type NewMessageRow = typeof messages.$inferInsert;
