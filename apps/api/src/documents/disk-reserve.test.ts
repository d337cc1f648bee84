import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createDiskReserve } from './storage.js';

const MB = 1024 * 1024;

describe('createDiskReserve', () => {
  it('counts reservations still held against the free disk, and a refused one holds nothing', async () => {
    const dir = tmpdir();
    const stats = await statfs(dir);
    // Room for one 20 MB reservation above the reserve, not for two.
    const disk = createDiskReserve(dir, stats.bavail * stats.bsize - 30 * MB);
    const first = await disk.reserve(20 * MB);
    await expect(disk.reserve(20 * MB)).rejects.toMatchObject({ code: 'insufficient_storage' });
    first();
    first();
    const second = await disk.reserve(20 * MB);
    second();
  });

  it('checks nothing when the reserve is 0', async () => {
    const disk = createDiskReserve(tmpdir(), 0);
    const release = await disk.reserve(Number.MAX_SAFE_INTEGER);
    release();
  });
});
