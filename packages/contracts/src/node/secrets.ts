import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type SecretName = 'JWT_SECRET' | 'INTERNAL_TOKEN';

/**
 * The embedded default's secrets: generated once and kept in `DATA_DIR/secrets.json` (mode 0600),
 * so api and rag agree and sessions survive restarts. Created with O_EXCL semantics so two processes
 * starting together end up with the same file.
 */
export function loadOrCreateSecret(dataDir: string, name: SecretName): string {
  const file = join(dataDir, 'secrets.json');
  mkdirSync(dataDir, { recursive: true });
  const fresh = {
    JWT_SECRET: randomBytes(32).toString('hex'),
    INTERNAL_TOKEN: randomBytes(32).toString('hex'),
  };
  try {
    writeFileSync(file, JSON.stringify(fresh, null, 2), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<SecretName, string>>;
  const value = stored[name];
  if (!value) throw new Error(`${file} has no ${name}; delete the file to regenerate it`);
  return value;
}
