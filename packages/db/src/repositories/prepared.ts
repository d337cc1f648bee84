import { createHash } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { QueryResult, QueryResultRow } from 'pg';
import type { Db } from '../client.js';

const dialect = new PgDialect();

/** The name a statement is prepared under: derived from its text, so one name never means two texts. */
export function statementName(text: string): string {
  return `cc_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
}

/**
 * Runs `query` as a named prepared statement of the connection it lands on: the connection parses it
 * once, and later executions skip parsing and, once PostgreSQL settles on a generic plan (after five
 * executions), planning too. For statements whose planning is a large share of their cost; the name
 * follows the SQL text, so each shape of a statement built with varying parts gets its own. (The
 * embedded server gives each connection its own statement names, as PostgreSQL's sessions do.)
 */
export function executePrepared<T extends QueryResultRow>(db: Db, query: SQL): Promise<QueryResult<T>> {
  const built = dialect.sqlToQuery(query);
  return db._.session
    .prepareQuery<{ execute: QueryResult<T>; all: T[]; values: unknown[][] }>(
      built,
      undefined,
      statementName(built.sql),
      false,
    )
    .execute();
}

/** A query builder's statement prepared under the name its text gives, as {@link executePrepared} does. */
export function preparedByText<P>(query: { toSQL(): { sql: string }; prepare(name: string): P }): P {
  return query.prepare(statementName(query.toSQL().sql));
}
