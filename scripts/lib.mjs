// Shared by start.mjs and test.mjs. Plain Node: these run before node_modules exists.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installedFromLock } from './lib/install-check.mjs';

export const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

export function log(message) {
  process.stdout.write(`\x1b[36m[class-chat]\x1b[0m ${message}\n`);
}

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
  }
}

export function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const readJson = (path) => (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null);

/** `npm ci` when node_modules is missing or was installed from another package-lock.json. */
export function ensureInstalled() {
  const lock = join(root, 'package-lock.json');
  const stamp = join(root, 'node_modules', '.class-chat-install');
  const wanted = createHash('sha256').update(readFileSync(lock)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return;
  if (installedFromLock(readJson(lock), readJson(join(root, 'node_modules', '.package-lock.json')))) {
    writeFileSync(stamp, wanted);
    return;
  }
  log('installing npm packages (package-lock.json changed or node_modules missing)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(stamp, wanted);
}

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Build every workspace when any source changed since the last build. */
export function ensureBuilt({ force = false } = {}) {
  const stamp = join(root, 'node_modules', '.class-chat-build');
  const sources = ['packages', 'apps', 'package-lock.json'].map((p) => {
    const path = join(root, p);
    return existsSync(path) && statSync(path).isFile() ? statSync(path).mtimeMs : newestMtime(path);
  });
  const newest = Math.max(...sources);
  if (!force && existsSync(stamp) && statSync(stamp).mtimeMs >= newest) return;
  log('building…');
  run('npm', ['run', 'build']);
  writeFileSync(stamp, new Date().toISOString());
}

/** Install missing Debian packages (root on the project's machines; sudo elsewhere). */
let aptUpdated = false;
export function aptInstall(packages) {
  const asRoot = process.getuid?.() === 0;
  const apt = (args) =>
    run(asRoot ? 'apt-get' : 'sudo', asRoot ? args : ['apt-get', ...args], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  if (!aptUpdated) {
    log(`apt-get update (to install ${packages.join(', ')})…`);
    apt(['update', '-qq']);
    aptUpdated = true;
  }
  log(`apt-get install ${packages.join(' ')}…`);
  apt(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Spawn a child and resolve with the first stdout JSON line whose `event` is "ready". */
export function spawnUntilReady(command, args, options) {
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], ...options });
  return new Promise((resolveReady, reject) => {
    let buffer = '';
    let ready = false;
    child.stdout.on('data', (chunk) => {
      if (ready) return void process.stdout.write(chunk);
      buffer += chunk.toString();
      let newline;
      while ((newline = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        try {
          const event = JSON.parse(line);
          if (event.event === 'ready') {
            ready = true;
            resolveReady({ child, event });
            if (buffer) process.stdout.write(buffer);
            return;
          }
        } catch {
          // not JSON: ordinary output
        }
        process.stdout.write(`${line}\n`);
      }
    });
    child.once('exit', (code, signal) => {
      if (!ready) reject(new Error(`${args.at(-1)} exited before it was ready (${code ?? signal})`));
    });
  });
}

export async function waitForHttp(url, timeoutMs = 60_000, signal = undefined) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Read `.env` at the repository root when present (process.env wins). */
export function loadDotEnv() {
  const file = join(root, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}
