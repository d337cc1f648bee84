import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect } from './client.js';
import { startEmbeddedDbFixture, type EmbeddedDbFixture } from './db.test-helpers.js';

describe('connect', () => {
  let fixture: EmbeddedDbFixture | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await fixture?.stop();
    fixture = undefined;
  });

  it('keeps a pooled connection open through a quiet spell that pg would end after 10 s', async () => {
    fixture = await startEmbeddedDbFixture({ migrate: false });
    const database = connect(fixture.url, { max: 2 });
    try {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      await database.pool.query('select 1');
      expect(database.pool.idleCount).toBe(1);
      vi.advanceTimersByTime(5 * 60_000);
      expect(database.pool.totalCount).toBe(1);
      vi.advanceTimersByTime(6 * 60_000);
      expect(database.pool.totalCount).toBe(0);
    } finally {
      vi.useRealTimers();
      await database.close();
    }
  });
});
