import { randomUUID } from 'node:crypto';
import type { Plan } from '@classchat/contracts';
import { and, eq, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { mapConflict } from '../errors.js';
import { users, type UserRow } from '../schema.js';
import { storedBytesOf } from './documents.js';
import { preparedPerShape } from './prepared.js';

/**
 * How long a chat reservation holds without being settled: each reservation expires on its own, so
 * one that a crashed process never settled stops counting after this, however much the user chats.
 */
export const RESERVATION_TTL_MS = 15 * 60_000;

/** Start of the UTC calendar month containing `now`. */
export function monthStartUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** Start of the UTC calendar month after the one containing `now`. */
export function nextMonthStartUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export interface CreateUserInput {
  email: string;
  name: string;
  passwordHash: string;
  plan?: Plan;
}

export interface UsageRow {
  plan: Plan;
  /** Completed chats in the current UTC month. */
  used: number;
  /** Chats reserved by streams still running. */
  reserved: number;
  /** Start of the current UTC month. */
  periodStart: Date;
  /** Start of the next UTC month, when `used` goes back to 0. */
  resetsAt: Date;
  /** Bytes of the user's stored files (read in the same statement). */
  storageUsedBytes: number;
}

/** The columns a usage is computed from, as the usage read and the statements that settle a chat return them. */
export interface UsageColumns {
  plan: Plan;
  chatRequestCount: number;
  chatRequestResetAt: Date;
  chatReservations: Record<string, string>;
  /** A sum: the driver's text for a bigint, or a number. */
  storedBytes: string | number;
}

/** The usage in the UTC month of `now` (a count from an earlier month reads as 0). */
export function usageFrom(user: UsageColumns, now: Date): UsageRow {
  const periodStart = monthStartUtc(now);
  const reservedLive = Object.values(user.chatReservations).filter(
    (expiresAt) => Date.parse(expiresAt) > now.getTime(),
  ).length;
  return {
    plan: user.plan,
    used: user.chatRequestResetAt.getTime() >= periodStart.getTime() ? user.chatRequestCount : 0,
    reserved: reservedLive,
    periodStart,
    resetsAt: nextMonthStartUtc(now),
    storageUsedBytes: Number(user.storedBytes),
  };
}

/** A RETURNING list of `users` for {@link usageFromJson}: the user's usage after the statement's change. */
export const usageReturning = sql`plan, chat_request_count, chat_request_reset_at, chat_reservations,
  ${storedBytesOf(sql`users.id`)} AS stored_bytes`;

/** The usage from `to_jsonb` of a row returned with {@link usageReturning}. */
export function usageFromJson(json: Record<string, unknown>, now: Date): UsageRow {
  return usageFrom(
    {
      plan: json.plan as Plan,
      chatRequestCount: Number(json.chat_request_count),
      chatRequestResetAt: new Date(String(json.chat_request_reset_at)),
      chatReservations: (json.chat_reservations ?? {}) as Record<string, string>,
      storedBytes: json.stored_bytes as string | number,
    },
    now,
  );
}

/** A chat reserved by {@link UsersRepository.reserveChat}. */
export interface ChatReservation {
  id: string;
  /** The user's `documents_version` as the reservation read it (what rag may keep a listing by). */
  documentsVersion: number;
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;

export function createUsersRepository(db: Db) {
  const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
  /** A timestamp the statement is given when it runs. */
  const at = (name: string) => sql`${sql.placeholder(name)}::timestamptz`;
  /** The count as it stands in the month of `monthStart` (0 when the stored one belongs to an older month). */
  const countIn = (monthStart: SQL) =>
    sql`(CASE WHEN ${users.chatRequestResetAt} >= ${monthStart} THEN ${users.chatRequestCount} ELSE 0 END)`;
  /** `value` over the user's reservations that have not expired at `now`. */
  const overLiveReservations = (value: SQL, now: SQL) =>
    sql`(SELECT ${value} FROM jsonb_each(${users.chatReservations}) r WHERE (r.value #>> '{}')::timestamptz > ${now})`;

  /**
   * The reservation's statement, with or without the token version check. Prepared (it runs before
   * every answer's first token) and built once: its values are placeholders.
   */
  const reserveStatement = preparedPerShape((shape: 'version' | 'any version') => {
    const count = countIn(at('monthStart'));
    const live = (value: SQL) => overLiveReservations(value, at('now'));
    return db
      .update(users)
      .set({
        chatRequestCount: count,
        chatRequestResetAt: sql`GREATEST(${users.chatRequestResetAt}, ${at('monthStart')})`,
        chatReservations: sql`${live(sql`coalesce(jsonb_object_agg(r.key, r.value), '{}'::jsonb)`)} || jsonb_build_object(${sql.placeholder('id')}::text, ${sql.placeholder('expiresAt')}::text)`,
      })
      .where(
        and(
          eq(users.id, sql.placeholder('userId')),
          shape === 'version' ? eq(users.tokenVersion, sql.placeholder('tokenVersion')) : undefined,
          or(eq(users.plan, 'premium'), sql`${count} + ${live(sql`count(*)`)} < ${sql.placeholder('limit')}`),
        ),
      )
      .returning({ documentsVersion: users.documentsVersion });
  });

  // One statement with the stored bytes, prepared and built once: read after every answer, for the
  // user's other tabs (and, when a student asks again at once, beside the next question's statements).
  const usageStatement = preparedPerShape((_shape: 'one') =>
    db
      .select({
        plan: users.plan,
        chatRequestCount: users.chatRequestCount,
        chatRequestResetAt: users.chatRequestResetAt,
        chatReservations: users.chatReservations,
        storedBytes: storedBytesOf(sql`${users.id}`),
      })
      .from(users)
      .where(eq(users.id, sql.placeholder('userId')))
      .limit(1),
  );

  return {
    /** Creates a user; the email is stored trimmed and lowercased. Throws `ConflictError` for a taken email. */
    async create(input: CreateUserInput): Promise<UserRow> {
      const [row] = await mapConflict(
        () =>
          db
            .insert(users)
            .values({
              email: normalizeEmail(input.email),
              name: input.name,
              passwordHash: input.passwordHash,
              plan: input.plan ?? 'free',
            })
            .returning(),
        'An account with this email already exists',
      );
      return row!;
    },

    /** Case-insensitive lookup. */
    async findByEmail(email: string): Promise<UserRow | null> {
      const [row] = await db
        .select()
        .from(users)
        .where(sql`lower(${users.email}) = ${normalizeEmail(email)}`)
        .limit(1);
      return row ?? null;
    },

    async findById(id: string): Promise<UserRow | null> {
      const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
      return row ?? null;
    },

    /** The user's chat usage in the UTC month of `now` (a count from an earlier month reads as 0). */
    async getUsage(userId: string, now: Date = new Date()): Promise<UsageRow | null> {
      const [user] = await usageStatement('one').execute({ userId });
      return user ? usageFrom(user, now) : null;
    },

    /**
     * Atomically reserves one chat: succeeds for premium users, or when completed + live reserved
     * chats of the current UTC month stay under `limit`. One UPDATE, which also rolls the month over
     * and drops expired reservations. Returns the reservation (null when refused): its id, and the
     * user's documents version read by the same statement. Settle it with
     * exactly one `commitChat` (answer saved) or `releaseChat` (failed / nothing saved), or the
     * statement that saves the answer. Unsettled, it expires `RESERVATION_TTL_MS` after `now`.
     * With `tokenVersion`, it is also refused (nothing reserved) unless that is still the user's token
     * version: a request's revocation check and its reservation in one statement.
     */
    async reserveChat(
      userId: string,
      limit: number,
      now: Date = new Date(),
      tokenVersion: number | null = null,
    ): Promise<ChatReservation | null> {
      const id = randomUUID();
      const rows = await reserveStatement(tokenVersion === null ? 'any version' : 'version').execute({
        userId,
        tokenVersion,
        limit,
        monthStart: monthStartUtc(now).toISOString(),
        now: now.toISOString(),
        id,
        expiresAt: new Date(now.getTime() + RESERVATION_TTL_MS).toISOString(),
      });
      return rows.length === 1 ? { id, documentsVersion: rows[0]!.documentsVersion } : null;
    },

    /** Turns the reservation into a completed chat of the UTC month of `now`. */
    async commitChat(userId: string, reservationId: string, now: Date = new Date()): Promise<void> {
      const monthStart = monthStartUtc(now);
      await db
        .update(users)
        .set({
          chatRequestCount: sql`${countIn(ts(monthStart))} + 1`,
          chatRequestResetAt: sql`GREATEST(${users.chatRequestResetAt}, ${ts(monthStart)})`,
          chatReservations: sql`${users.chatReservations} - ${reservationId}::text`,
        })
        .where(eq(users.id, userId));
    },

    /** Gives the reservation back without counting a chat (a second release changes nothing). */
    async releaseChat(userId: string, reservationId: string): Promise<void> {
      await db
        .update(users)
        .set({ chatReservations: sql`${users.chatReservations} - ${reservationId}::text` })
        .where(eq(users.id, userId));
    },

    /** The version every valid session token of the user carries; null when the account is gone. */
    async tokenVersion(userId: string): Promise<number | null> {
      const [row] = await db
        .select({ version: users.tokenVersion })
        .from(users)
        .where(eq(users.id, userId))
        .limit(1);
      return row?.version ?? null;
    },

    /** Revokes every session token issued to the user so far (logout); returns the new version. */
    async revokeTokens(userId: string): Promise<number | null> {
      const [row] = await db
        .update(users)
        .set({ tokenVersion: sql`${users.tokenVersion} + 1` })
        .where(eq(users.id, userId))
        .returning({ version: users.tokenVersion });
      return row?.version ?? null;
    },

    async setPlan(userId: string, plan: Plan): Promise<UserRow | null> {
      const [row] = await db.update(users).set({ plan }).where(eq(users.id, userId)).returning();
      return row ?? null;
    },
  };
}
