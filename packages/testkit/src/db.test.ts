import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { connect, createRepositories } from '@classchat/db';
import { describe, expect, it } from 'vitest';
import { startTestDatabase } from './db.js';

describe('startTestDatabase', () => {
  it('serves a migrated database in a fresh directory and removes it on stop', async () => {
    const tdb = await startTestDatabase();
    expect(tdb.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    const { db, close } = connect(tdb.url);
    try {
      const user = await createRepositories(db).users.create({
        email: 'kit@example.com',
        name: 'Kit',
        passwordHash: 'h',
      });
      expect(user.email).toBe('kit@example.com');
    } finally {
      await close();
    }
    expect(existsSync(tdb.dataDir)).toBe(true);
    await tdb.stop();
    await tdb.stop(); // idempotent
    expect(existsSync(dirname(tdb.dataDir))).toBe(false);
  });

  it('gives each caller its own database', async () => {
    const [a, b] = await Promise.all([startTestDatabase(), startTestDatabase()]);
    try {
      expect(a.url).not.toBe(b.url);
      expect(a.dataDir).not.toBe(b.dataDir);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
