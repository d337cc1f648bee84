/**
 * The embedded database as its own process (one process must own a PGlite data directory):
 *   DATA_DIR (default ./data) → data in DATA_DIR/pg; EMBEDDED_DB_PORT (default 0: a free port);
 *   EMBEDDED_DB_HOST (default 127.0.0.1).
 * Prints one JSON line `{"event":"ready","url":"postgres://…"}` on stdout once migrations are applied
 * and it accepts connections. SIGINT / SIGTERM (or its parent process exiting) stop it cleanly:
 * the running query finishes, open transactions roll back, PGlite closes, exit code 0.
 * Diagnostics go to stderr as JSON lines.
 */
import { join, resolve } from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './server.js';

const log = (event: string, fields: Record<string, unknown> = {}) =>
  process.stderr.write(JSON.stringify({ event, ...fields }) + '\n');

const dataDir = join(resolve(process.env.DATA_DIR ?? './data'), 'pg');
const port = Number(process.env.EMBEDDED_DB_PORT ?? '0');
const host = process.env.EMBEDDED_DB_HOST ?? '127.0.0.1';

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  log('error', { message: `EMBEDDED_DB_PORT must be a port number (got ${process.env.EMBEDDED_DB_PORT})` });
  process.exit(1);
}

let db: EmbeddedDatabase;
try {
  db = await startEmbeddedDatabase({ dataDir, port, host });
} catch (err) {
  log('error', { message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}

let stopping = false;
const shutdown = (reason: string) => {
  if (stopping) return;
  stopping = true;
  log('stopping', { reason });
  db.stop().then(
    () => {
      log('stopped');
      process.exit(0);
    },
    (err: unknown) => {
      log('error', { message: err instanceof Error ? err.message : String(err) });
      process.exit(1);
    },
  );
};
// Under `npm start` the supervisor stops the services in order (api, rag, then this database) with
// SIGTERM; the terminal's Ctrl-C, which reaches the whole process group, must not stop us first.
if (process.env.CLASS_CHAT_SUPERVISED === '1') process.on('SIGINT', () => undefined);
else process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

// An orphaned database would keep the data directory locked: stop when the parent goes away.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) shutdown('parent exited');
}, 1000).unref();

process.stdout.write(JSON.stringify({ event: 'ready', url: db.url }) + '\n');
