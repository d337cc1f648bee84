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
  return preparedByText(sqlStatement<T>(db, query)).execute();
}

/**
 * A statement written as SQL (its values may be `sql.placeholder`s), as {@link preparedByText} and
 * {@link preparedPerShape} take it.
 */
export function sqlStatement<T extends QueryResultRow>(db: Db, query: SQL) {
  const built = dialect.sqlToQuery(query);
  return {
    toSQL: () => built,
    prepare: (name: string) =>
      db._.session.prepareQuery<{ execute: QueryResult<T>; all: T[]; values: unknown[][] }>(
        built,
        undefined,
        name,
        false,
      ),
  };
}

/** A query builder's statement prepared under the name its text gives, as {@link executePrepared} does. */
export function preparedByText<P>(query: { toSQL(): { sql: string }; prepare(name: string): P }): P {
  return query.prepare(statementName(query.toSQL().sql));
}

/**
 * Statements built once per shape (which optional conditions a call has): `build` returns a query
 * whose values are `sql.placeholder`s, prepared under the name its text gives; each call then only
 * fills its placeholders in. Building a query with drizzle costs up to a millisecond or more of CPU
 * (the exact vector search, with its sixteen columns, most), on the path to an answer's first token.
 */
export function preparedPerShape<S extends string, P>(
  build: (shape: S) => { toSQL(): { sql: string }; prepare(name: string): P },
): (shape: S) => P {
  const built = new Map<S, P>();
  return (shape) => {
    let statement = built.get(shape);
    if (statement === undefined) built.set(shape, (statement = preparedByText(build(shape))));
    return statement;
  };
}

/** The shape of a scope's conditions: which of class and document it names. */
export const scopeShape = (scope: { classId?: string | null; documentId?: string | null }) =>
  `${scope.classId ? 'class' : ''}+${scope.documentId ? 'document' : ''}` as const;
export type ScopeShape = ReturnType<typeof scopeShape>;
