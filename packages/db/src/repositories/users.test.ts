import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { email, startDbFixture, type DbFixture } from '../db.test-helpers.js';
import { ConflictError } from '../errors.js';
import { monthStartUtc, nextMonthStartUtc, RESERVATION_TTL_MS } from './users.js';

let fx: DbFixture;
beforeAll(async () => {
  fx = await startDbFixture();
});
afterAll(() => fx?.stop());

const newUser = (plan: 'free' | 'premium' = 'free') =>
  fx.repos.users.create({ email: email(), name: 'Student', passwordHash: 'hash', plan });

/** Puts the user at `count` completed chats in the month of `now`. */
async function useChats(userId: string, count: number, now: Date) {
  for (let i = 0; i < count; i++) {
    const reservation = await fx.repos.users.reserveChat(userId, 1000, now);
    expect(reservation).not.toBeNull();
    await fx.repos.users.commitChat(userId, reservation!.id, now);
  }
}

describe('users', () => {
  it('stores the email lowercased and finds it case-insensitively', async () => {
    const user = await fx.repos.users.create({
      email: '  Ada.Lovelace@Example.COM ',
      name: 'Ada',
      passwordHash: 'h',
    });
    expect(user.email).toBe('ada.lovelace@example.com');
    expect(user.plan).toBe('free');
    expect(user.chatRequestCount).toBe(0);
    expect((await fx.repos.users.findByEmail('ADA.lovelace@example.com'))?.id).toBe(user.id);
    expect((await fx.repos.users.findById(user.id))?.name).toBe('Ada');
    expect(await fx.repos.users.findByEmail('nobody@example.com')).toBeNull();
  });

  it('refuses a second account with the same email in another case, as a ConflictError', async () => {
    const address = email('dup');
    await fx.repos.users.create({ email: address, name: 'A', passwordHash: 'h' });
    await expect(
      fx.repos.users.create({ email: address.toUpperCase(), name: 'B', passwordHash: 'h' }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('keeps a token version per user that logout moves on', async () => {
    const user = await newUser();
    expect(await fx.repos.users.tokenVersion(user.id)).toBe(0);
    expect(await fx.repos.users.revokeTokens(user.id)).toBe(1);
    expect(await fx.repos.users.tokenVersion(user.id)).toBe(1);
    const other = await newUser();
    expect(await fx.repos.users.tokenVersion(other.id)).toBe(0);
    const gone = '00000000-0000-4000-8000-000000000000';
    expect(await fx.repos.users.tokenVersion(gone)).toBeNull();
    expect(await fx.repos.users.revokeTokens(gone)).toBeNull();
  });

  it('sets the plan', async () => {
    const user = await newUser();
    expect((await fx.repos.users.setPlan(user.id, 'premium'))?.plan).toBe('premium');
  });
});

describe('chat quota', () => {
  const now = new Date(Date.UTC(2031, 4, 17, 12));

  it('reports the bytes of the user’s stored files with the usage, failed documents left out', async () => {
    const user = await newUser();
    const upload = (byteSize: number) =>
      fx.repos.documents.create({
        userId: user.id,
        classId: null,
        fileName: 'notes.txt',
        mimeType: 'text/plain',
        byteSize,
        sha256: `${byteSize}`.padStart(64, '0'),
        storageKey: `${user.id}-${byteSize}.txt`,
      });
    await upload(1000);
    await fx.repos.documents.markFailed((await upload(300)).id, 'unreadable');
    const other = await newUser();
    expect((await fx.repos.users.getUsage(user.id, now))?.storageUsedBytes).toBe(1000);
    expect(await fx.repos.documents.storageUsed(user.id)).toBe(1000);
    expect((await fx.repos.users.getUsage(other.id, now))?.storageUsedBytes).toBe(0);
  });

  it('reports usage for the UTC month with the next reset', async () => {
    const user = await newUser();
    await useChats(user.id, 3, now);
    const usage = await fx.repos.users.getUsage(user.id, now);
    expect(usage).toEqual({
      plan: 'free',
      used: 3,
      reserved: 0,
      periodStart: new Date(Date.UTC(2031, 4, 1)),
      resetsAt: new Date(Date.UTC(2031, 5, 1)),
      storageUsedBytes: 0,
    });
  });

  it('lets exactly one of 50 concurrent reservations through at 24 of 25', async () => {
    const user = await newUser();
    await useChats(user.id, 24, now);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => fx.repos.users.reserveChat(user.id, 25, now)),
    );
    const granted = results.filter((r) => r !== null);
    expect(granted).toHaveLength(1);
    expect(await fx.repos.users.getUsage(user.id, now)).toMatchObject({ used: 24, reserved: 1 });
    await fx.repos.users.commitChat(user.id, granted[0]!.id, now);
    expect(await fx.repos.users.getUsage(user.id, now)).toMatchObject({ used: 25, reserved: 0 });
    expect(await fx.repos.users.reserveChat(user.id, 25, now)).toBeNull();
  });

  it('refuses a reservation, reserving nothing, for a token version that is no longer the user’s', async () => {
    const user = await newUser();
    const first = await fx.repos.users.reserveChat(user.id, 25, now, 0);
    expect(first).not.toBeNull();
    await fx.repos.users.revokeTokens(user.id);
    expect(await fx.repos.users.reserveChat(user.id, 25, now, 0)).toBeNull();
    expect(await fx.repos.users.getUsage(user.id, now)).toMatchObject({ used: 0, reserved: 1 });
    expect(await fx.repos.users.reserveChat(user.id, 25, now, 1)).not.toBeNull();
    expect(await fx.repos.users.getUsage(user.id, now)).toMatchObject({ used: 0, reserved: 2 });
  });

  it('gives a released reservation back without counting it', async () => {
    const user = await newUser();
    await useChats(user.id, 24, now);
    const reservation = await fx.repos.users.reserveChat(user.id, 25, now);
    expect(reservation).not.toBeNull();
    expect(await fx.repos.users.reserveChat(user.id, 25, now)).toBeNull();
    await fx.repos.users.releaseChat(user.id, reservation!.id);
    await fx.repos.users.releaseChat(user.id, reservation!.id); // a second release changes nothing
    expect(await fx.repos.users.getUsage(user.id, now)).toMatchObject({ used: 24, reserved: 0 });
    expect(await fx.repos.users.reserveChat(user.id, 25, now)).not.toBeNull();
    expect(await fx.repos.users.reserveChat(user.id, 25, now)).toBeNull();
  });

  it('resets the count when a new UTC month starts', async () => {
    const user = await newUser();
    const lastMinuteOfMay = new Date(Date.UTC(2031, 4, 31, 23, 59));
    await useChats(user.id, 25, lastMinuteOfMay);
    expect(await fx.repos.users.reserveChat(user.id, 25, lastMinuteOfMay)).toBeNull();

    const june = new Date(Date.UTC(2031, 5, 1, 0, 0, 30));
    expect(await fx.repos.users.getUsage(user.id, june)).toMatchObject({ used: 0 });
    const reservation = await fx.repos.users.reserveChat(user.id, 25, june);
    expect(reservation).not.toBeNull();
    await fx.repos.users.commitChat(user.id, reservation!.id, june);
    const row = await fx.repos.users.findById(user.id);
    expect(row?.chatRequestCount).toBe(1);
    expect(row?.chatRequestResetAt).toEqual(new Date(Date.UTC(2031, 5, 1)));
    expect(await fx.repos.users.getUsage(user.id, june)).toMatchObject({ used: 1 });
  });

  it('counts a chat reserved before midnight and finished after it in the new month', async () => {
    const user = await newUser();
    await useChats(user.id, 10, new Date(Date.UTC(2031, 6, 31, 23, 0)));
    const reservation = await fx.repos.users.reserveChat(
      user.id,
      25,
      new Date(Date.UTC(2031, 6, 31, 23, 59)),
    );
    expect(reservation).not.toBeNull();
    const august = new Date(Date.UTC(2031, 7, 1, 0, 1));
    await fx.repos.users.commitChat(user.id, reservation!.id, august);
    expect(await fx.repos.users.getUsage(user.id, august)).toMatchObject({ used: 1, reserved: 0 });
  });

  it('never limits premium users', async () => {
    const user = await newUser('premium');
    await useChats(user.id, 30, now);
    expect(await fx.repos.users.reserveChat(user.id, 25, now)).not.toBeNull();
  });

  it('ignores reservations leaked by a crashed process once they are stale', async () => {
    const user = await newUser();
    await useChats(user.id, 24, now);
    expect(await fx.repos.users.reserveChat(user.id, 25, now)).not.toBeNull(); // never settled
    expect(await fx.repos.users.reserveChat(user.id, 25, now)).toBeNull();
    const later = new Date(now.getTime() + RESERVATION_TTL_MS + 1000);
    expect(await fx.repos.users.getUsage(user.id, later)).toMatchObject({ used: 24, reserved: 0 });
    expect(await fx.repos.users.reserveChat(user.id, 25, later)).not.toBeNull();
  });

  it('lets a leaked reservation expire on its own while the user keeps chatting', async () => {
    const user = await newUser();
    const minutes = (m: number) => new Date(now.getTime() + m * 60_000);
    await useChats(user.id, 20, now);
    expect(await fx.repos.users.reserveChat(user.id, 25, now)).not.toBeNull(); // leaked: never settled
    // Chats every few minutes, each reserving while the leaked one is still counted.
    for (const m of [5, 10, 14]) {
      const reservation = await fx.repos.users.reserveChat(user.id, 25, minutes(m));
      expect(await fx.repos.users.getUsage(user.id, minutes(m))).toMatchObject({ reserved: 2 });
      await fx.repos.users.commitChat(user.id, reservation!.id, minutes(m));
    }
    const afterExpiry = minutes(RESERVATION_TTL_MS / 60_000 + 1);
    expect(await fx.repos.users.getUsage(user.id, afterExpiry)).toMatchObject({ used: 23, reserved: 0 });
    // At 23 of 25 with the leak gone, two more chats fit, not one.
    expect(await fx.repos.users.reserveChat(user.id, 25, afterExpiry)).not.toBeNull();
    expect(await fx.repos.users.reserveChat(user.id, 25, afterExpiry)).not.toBeNull();
    expect(await fx.repos.users.reserveChat(user.id, 25, afterExpiry)).toBeNull();
    const row = await fx.repos.users.findById(user.id);
    expect(Object.keys(row!.chatReservations)).toHaveLength(2);
  });

  it('computes UTC month boundaries', () => {
    const d = new Date('2031-12-31T23:30:00-05:00'); // already January 1st in UTC
    expect(monthStartUtc(d).toISOString()).toBe('2032-01-01T00:00:00.000Z');
    expect(nextMonthStartUtc(d).toISOString()).toBe('2032-02-01T00:00:00.000Z');
  });
});
