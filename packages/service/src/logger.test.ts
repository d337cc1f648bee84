import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const loggerModule = fileURLToPath(new URL('./logger.ts', import.meta.url));

/** Runs `body` in a fresh node process with `createLogger` in scope; its stdout lines. */
function run(body: string) {
  return spawnSync(process.execPath, nodeArgs(body), {
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

function nodeArgs(body: string) {
  const script = `import { createLogger } from ${JSON.stringify(loggerModule)};\n${body}`;
  return ['--import', 'tsx', '--input-type=module', '-e', script];
}

/**
 * Runs `body` in a fresh node process whose stdout nobody reads until the process writes `ready`
 * on stderr (if it never does, the test times out); then reads stdout until `done(stdout)` holds
 * or stdout ends, and closes the process's stdin, which `body` may wait for. Its stdout and stderr
 * once it exits.
 */
async function runWithStalledReader(body: string, ready: string, done: (stdout: string) => boolean) {
  const child = spawn(process.execPath, nodeArgs(body), { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdout.pause();
  let stdout = '';
  let stderr = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes(ready)) resolve();
    });
  });
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (done(stdout)) resolve();
    });
    child.stdout.once('end', resolve);
    child.stdout.resume();
  });
  child.stdin.end();
  await exited;
  return { stdout, stderr };
}

const indices = (lines: string[]) => lines.map((l) => (JSON.parse(l) as { i: number }).i);

function stdoutOf(body: string): string[] {
  const { stdout, stderr } = run(body);
  expect(stderr).toBe('');
  return stdout.split('\n').filter(Boolean);
}

describe('createLogger', () => {
  it('buffered: every line logged before process.exit reaches stdout, in order', () => {
    const lines = stdoutOf(`
      const logger = createLogger('info', 'test', { buffered: true });
      for (let i = 0; i < 500; i++) logger.info({ i }, 'line');
      process.exit(0);
    `);
    expect(lines).toHaveLength(500);
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual([...Array(500).keys()]);
  });

  it('redacts auth material whether buffered or not', () => {
    const lines = stdoutOf(`
      createLogger('info', 'test', { buffered: true }).info({ req: { headers: { authorization: 'Bearer s3cret' } } }, 'a');
      createLogger('info', 'test').info({ body: { password: 'hunter2' } }, 'b');
    `);
    expect(lines.join('\n')).not.toMatch(/s3cret|hunter2/);
    expect(lines).toHaveLength(2);
  });

  it('buffered: each line is written to stdout as it is logged, not after the event loop turns', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logger-'));
    const path = join(dir, 'stdout');
    const fd = openSync(path, 'w');
    try {
      const { stdout, stderr } = spawnSync(
        process.execPath,
        nodeArgs(`
          import { readFileSync } from 'node:fs';
          const logger = createLogger('info', 'test', { buffered: true });
          for (let i = 0; i < 3; i++) logger.info({ i }, 'line');
          process.stderr.write(readFileSync(${JSON.stringify(path)}, 'utf8'));
        `),
        { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', timeout: 30_000 },
      );
      expect(stdout).toBeNull();
      expect(indices(stderr.split('\n').filter(Boolean))).toEqual([0, 1, 2]);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('buffered: a stalled stdout reader does not hold up the process; output held meanwhile stays under its bound, and the drop is reported', async () => {
    const { stdout, stderr } = await runWithStalledReader(
      `
      const logger = createLogger('info', 'test', { buffered: true, maxPendingBytes: 100_000 });
      for (let i = 0; i < 20_000; i++) logger.info({ i, pad: 'x'.repeat(400) }, 'line');
      process.stderr.write('logged\\n');
      `,
      'logged',
      () => false,
    );
    // What the kernel's socket buffer took before it filled, plus at most the bound held by the logger.
    expect(stdout.length).toBeLessThanOrEqual(100_000 + 1024 * 1024);
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(100);
    expect(indices(lines).slice(0, 3)).toEqual([0, 1, 2]);
    expect(stderr).toMatch(/logger: stdout is not keeping up; dropped \d+ bytes of log lines/);
  });

  it('buffered: lines held while stdout was full leave once its reader resumes, without waiting for another line or the exit', async () => {
    const { stdout } = await runWithStalledReader(
      `
      const logger = createLogger('info', 'test', { buffered: true });
      for (let i = 0; i < 5_000; i++) logger.info({ i, pad: 'x'.repeat(400) }, 'line');
      process.stderr.write('logged\\n');
      process.stdin.resume();
      `,
      'logged',
      (stdout) => stdout.includes('"i":4999,'),
    );
    expect(indices(stdout.split('\n').filter(Boolean))).toEqual([...Array(5_000).keys()]);
  }, 20_000);
});
