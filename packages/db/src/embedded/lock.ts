import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

/** Lock files held by this process (a lock naming our own pid that we do not hold is stale: pid reuse). */
const held = new Set<string>();

interface LockInfo {
  pid: number;
  hostname?: string;
  startedAt?: string;
}

export class DatabaseLockedError extends Error {
  override readonly name = 'DatabaseLockedError';
  constructor(
    readonly pid: number,
    readonly dataDir: string,
    readonly lockPath: string,
  ) {
    super(
      `Another Class Chat database process (pid ${pid}) is using ${dataDir}. Stop it first ` +
        `(or, if pid ${pid} is not a Class Chat database, delete ${lockPath}).`,
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(lockPath: string): LockInfo | null {
  try {
    const parsed = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<LockInfo>;
    return typeof parsed.pid === 'number' ? (parsed as LockInfo) : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock file for `dataDir` (created exclusively, holding our pid). A lock left by a dead
 * process is taken over; one held by a live process throws `DatabaseLockedError`.
 * Returns the release function.
 */
export function acquireDataDirLock(dataDir: string, lockPath: string): () => void {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      try {
        const info: LockInfo = {
          pid: process.pid,
          hostname: hostname(),
          startedAt: new Date().toISOString(),
        };
        writeSync(fd, JSON.stringify(info) + '\n');
      } finally {
        closeSync(fd);
      }
      held.add(lockPath);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        held.delete(lockPath);
        if (readLock(lockPath)?.pid === process.pid) rmSync(lockPath, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readLock(lockPath);
    if (owner) {
      const ours = owner.pid === process.pid;
      const sameHost = owner.hostname === undefined || owner.hostname === hostname();
      if ((ours && held.has(lockPath)) || (!ours && sameHost && isAlive(owner.pid))) {
        throw new DatabaseLockedError(owner.pid, dataDir, lockPath);
      }
      if (!sameHost) throw new DatabaseLockedError(owner.pid, dataDir, lockPath);
    } else if (attempt === 0) {
      // Being written right now by another starter, or garbage: look again once before taking over.
      continue;
    }
    // Stale (its process is gone): take it over.
    rmSync(lockPath, { force: true });
  }
  throw new Error(`Could not take the database lock ${lockPath}`);
}
