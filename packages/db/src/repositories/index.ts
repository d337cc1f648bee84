import type { Db } from '../client.js';
import { createAnswerClaimsRepository } from './answer-claims.js';
import { createChunksRepository, type ChunksRepositoryOptions } from './chunks.js';
import { createClassesRepository } from './classes.js';
import { createDocumentsRepository } from './documents.js';
import { createMessagesRepository } from './messages.js';
import { createSessionsRepository } from './sessions.js';
import { createTurnsRepository } from './turns.js';
import { createUsersRepository } from './users.js';

export type RepositoriesOptions = ChunksRepositoryOptions;

/**
 * Every query of the product, over a database or a transaction:
 * `db.transaction(async (tx) => { const repos = createRepositories(tx); … })`.
 */
export function createRepositories(db: Db, options: RepositoriesOptions = {}) {
  return {
    users: createUsersRepository(db),
    classes: createClassesRepository(db),
    documents: createDocumentsRepository(db),
    chunks: createChunksRepository(db, options),
    sessions: createSessionsRepository(db),
    messages: createMessagesRepository(db),
    turns: createTurnsRepository(db),
    answers: createAnswerClaimsRepository(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;

export * from './answer-claims.js';
export * from './chunks.js';
export * from './classes.js';
export * from './documents.js';
export * from './messages.js';
export * from './sessions.js';
export * from './turns.js';
export * from './users.js';
