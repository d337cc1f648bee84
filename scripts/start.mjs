// `npm start`: install, build, then run the embedded database (unless DATABASE_URL is set), rag and
// api, and print the URL. Ctrl-C stops all three cleanly, api first and the database last.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureBuilt, ensureInstalled, loadDotEnv, log, root, spawnUntilReady, waitForHttp } from './lib.mjs';

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
const children = [];
let stopping = false;

function startChild(name, script, extraEnv) {
  const child = spawn(process.execPath, [script], {
    cwd: root,
    stdio: 'inherit',
    env: { ...env, ...extraEnv },
  });
  watch(name, child);
  return child;
}

function watch(name, child) {
  children.unshift({ name, child });
  child.once('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited unexpectedly (${code ?? signal}); stopping the others`);
      void stop(1);
    }
  });
}

async function stop(exitCode = 0) {
  if (stopping) return;
  stopping = true;
  for (const { name, child } of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    log(`stopping ${name}…`);
    child.kill('SIGTERM');
    await new Promise((r) => {
      const timer = setTimeout(() => (child.kill('SIGKILL'), r()), 15_000);
      child.once('exit', () => (clearTimeout(timer), r()));
    });
  }
  process.exit(exitCode);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  if (!env.DATABASE_URL) {
    log(`starting the embedded database (PGlite + pgvector) in ${env.DATA_DIR}/pg…`);
    const { child, event } = await spawnUntilReady(process.execPath, ['packages/db/dist/embedded/main.js'], {
      env,
    });
    watch('database', child);
    env.DATABASE_URL = event.url;
  }
  log('starting rag…');
  startChild('rag', 'apps/rag/dist/main.js', { PORT: ragPort });
  await waitForHttp(`http://127.0.0.1:${ragPort}/healthz`);
  log('starting api…');
  startChild('api', 'apps/api/dist/main.js', {
    PORT: apiPort,
    RAG_URL: env.RAG_URL ?? `http://127.0.0.1:${ragPort}`,
  });
  await waitForHttp(`http://127.0.0.1:${apiPort}/healthz`);
  const offline = !env.OPENAI_API_KEY && !env.OPENAI_BASE_URL;
  log(
    `Class Chat is running at http://localhost:${apiPort}${offline ? ' (offline answers: no OPENAI_API_KEY or OPENAI_BASE_URL set)' : ''}`,
  );
  log('press Ctrl-C to stop');
} catch (err) {
  log(`start-up failed: ${err instanceof Error ? err.message : err}`);
  await stop(1);
}
