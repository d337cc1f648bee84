/**
 * The embedded database for the stream benchmarks, as its own process: `packages/db`'s server with
 * room for more connections than its default 32, which two api + rag pairs (a pool of 10 each) pass.
 *
 *   DATA_DIR=… node --conditions=@classchat/source --import tsx bench/stream/embedded-db.ts
 *
 * prints `{"event":"ready","url":"postgres://…"}` on stdout; SIGTERM stops it.
 */
import { join, resolve } from 'node:path';
import { startEmbeddedDatabase } from '@classchat/db/embedded';

const db = await startEmbeddedDatabase({
  dataDir: join(resolve(process.env.DATA_DIR ?? './data'), 'pg'),
  maxConnections: 100,
});
process.once('SIGTERM', () => void db.stop().then(() => process.exit(0)));
process.stdout.write(`${JSON.stringify({ event: 'ready', url: db.url })}\n`);
