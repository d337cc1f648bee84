// `npm test`: install what is missing (npm packages; Debian's redis-server, chromium and, when no
// PostgreSQL server lets us in, postgresql), start a private Redis on a free port, then typecheck,
// lint, build and run every Vitest project (the `pg` project only with a PostgreSQL server). Extra
// arguments go to Vitest (`npm test -- apps/rag`).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { aptInstall, ensureBuilt, ensureInstalled, freePort, has, log, root, run } from './lib.mjs';

const vitestArgs = process.argv.slice(2);

ensureInstalled();
if (!has('redis-server')) aptInstall(['redis-server']);
if (!existsSync('/usr/bin/chromium')) aptInstall(['chromium']);

const redis = await startRedis();
// Imported only now: it needs the npm packages installed above.
const { ensurePostgres } = await import('./postgres.mjs');
const postgresUrl = await ensurePostgres();
if (postgresUrl)
  log('real-PostgreSQL tests on 127.0.0.1:5432 (throwaway databases, dropped after each file)');
let exitCode = 1;
try {
  if (vitestArgs.length === 0) {
    log('typecheck…');
    run('npm', ['run', 'typecheck']);
    log('lint…');
    run('npm', ['run', 'lint']);
  }
  ensureBuilt();
  exitCode = await runVitest(redis.url, postgresUrl);
} catch (err) {
  log(err instanceof Error ? err.message : String(err));
} finally {
  redis.child.kill('SIGTERM');
}
process.exit(exitCode);

async function startRedis() {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (await pings(port)) break;
    if (attempt > 100) throw new Error('redis-server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  log(`test Redis at ${url}`);
  return { child, url };
}

function pings(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
  });
}

function runVitest(redisUrl, postgresUrl) {
  const outputDir = join(root, 'test-output');
  mkdirSync(outputDir, { recursive: true });
  const report = join(outputDir, 'vitest.json');
  const args = [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...vitestArgs,
  ];
  const child = spawn('npx', args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TEST_REDIS_URL: redisUrl, ...(postgresUrl ? { TEST_PG_URL: postgresUrl } : {}) },
  });
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      if (existsSync(report)) {
        const r = JSON.parse(readFileSync(report, 'utf8'));
        const skipped = r.numPendingTests + r.numTodoTests;
        // A file that fails to load has no failed test; count it so the closing line never hides it.
        const failed = r.numFailedTests || (code === 0 ? 0 : Math.max(1, r.numFailedTestSuites));
        process.stdout.write(`\n${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
      }
      resolve(code ?? 1);
    });
  });
}
