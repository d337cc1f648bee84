import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Original uploads under `DATA_DIR/files`, each named by a generated UUID (its storage key). */
export interface FileStore {
  readonly dir: string;
  newKey(): string;
  pathOf(key: string): string;
  /** Removes a stored file; a missing file is not an error. */
  remove(key: string): Promise<void>;
  ensureDir(): Promise<void>;
}

const KEY = /^[0-9a-f-]{36}(\.part)?$/;

export function createFileStore(dir: string): FileStore {
  return {
    dir,
    newKey: () => randomUUID(),
    pathOf(key) {
      // Keys are ours (UUIDs); anything else must never become a path.
      if (!KEY.test(key)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
      return join(dir, key);
    },
    async remove(key) {
      await rm(this.pathOf(key), { force: true });
    },
    async ensureDir() {
      await mkdir(dir, { recursive: true });
    },
  };
}
