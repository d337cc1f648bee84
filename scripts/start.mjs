// `npm start`: install, build, then run the embedded database (unless DATABASE_URL is set), rag and
// api, and print the URL. A service that dies is restarted (with a growing pause if it keeps dying)
// while the others keep serving. Ctrl-C stops all three cleanly, api first and the database last.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureBuilt, ensureInstalled, loadDotEnv, log, root, spawnUntilReady, waitForHttp } from './lib.mjs';
import { createSupervisor } from './lib/supervisor.mjs';

loadDotEnv();
ensureInstalled();
ensureBuilt();

const env = {
  ...process.env,
  DATA_DIR: resolve(root, process.env.DATA_DIR ?? 'data'),
  CLASS_CHAT_SUPERVISED: '1',
};
const apiPort = env.PORT ?? '3000';
const ragPort = env.RAG_PORT ?? '3001';
const supervisor = createSupervisor({ log });
let stopping = false;

async function stop(exitCode = 0) {
  if (stopping) return;
  stopping = true;
  await supervisor.stop();
  process.exit(exitCode);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

/** A built service that is ready once `healthUrl` answers; a start fails if it exits first. */
function httpService(script, extraEnv, healthUrl) {
  return async () => {
    const child = spawn(process.execPath, [script], {
      cwd: root,
      stdio: 'inherit',
      env: { ...env, ...extraEnv },
    });
    const gaveUp = new AbortController();
    let onExit;
    const exitedEarly = new Promise((_, reject) => {
      onExit = (code, signal) => reject(new Error(`exited before it was ready (${code ?? signal})`));
      child.once('exit', onExit);
    });
    try {
      await Promise.race([waitForHttp(healthUrl, 60_000, gaveUp.signal), exitedEarly]);
      return child;
    } catch (err) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      throw err;
    } finally {
      gaveUp.abort();
      child.off('exit', onExit);
    }
  };
}

/** The embedded database; a restart reuses the port rag and the api were given. */
let databasePort = env.EMBEDDED_DB_PORT ?? '0';
async function startDatabase() {
  const { child, event } = await spawnUntilReady(process.execPath, ['packages/db/dist/embedded/main.js'], {
    env: { ...env, EMBEDDED_DB_PORT: databasePort },
  });
  databasePort = new URL(event.url).port;
  env.DATABASE_URL ??= event.url;
  return child;
}

try {
  if (!env.DATABASE_URL) {
    log(`starting the embedded database (PGlite + pgvector) in ${env.DATA_DIR}/pg…`);
    await supervisor.add('database', startDatabase);
  }
  log('starting rag…');
  await supervisor.add(
    'rag',
    httpService('apps/rag/dist/main.js', { PORT: ragPort }, `http://127.0.0.1:${ragPort}/healthz`),
  );
  log('starting api…');
  await supervisor.add(
    'api',
    httpService(
      'apps/api/dist/main.js',
      { PORT: apiPort, RAG_URL: env.RAG_URL ?? `http://127.0.0.1:${ragPort}` },
      `http://127.0.0.1:${apiPort}/healthz`,
    ),
  );
  const offline = !env.OPENAI_API_KEY && !env.OPENAI_BASE_URL;
  log(
    `Class Chat is running at http://localhost:${apiPort}${offline ? ' (offline answers: no OPENAI_API_KEY or OPENAI_BASE_URL set)' : ''}`,
  );
  log('press Ctrl-C to stop');
} catch (err) {
  log(`start-up failed: ${err instanceof Error ? err.message : err}`);
  await stop(1);
}
