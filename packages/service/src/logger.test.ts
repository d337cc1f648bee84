import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const loggerModule = fileURLToPath(new URL('./logger.ts', import.meta.url));

/** Runs `body` in a fresh node process with `createLogger` in scope; its stdout lines. */
function run(body: string) {
  const script = `import { createLogger } from ${JSON.stringify(loggerModule)};\n${body}`;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

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

  it('buffered: output held while stdout cannot keep up stays under its bound, and the drop is reported', () => {
    // A synchronous loop never lets a write complete, like a stalled reader: everything logged waits.
    const { stdout, stderr } = run(`
      const logger = createLogger('info', 'test', { buffered: true, maxPendingBytes: 100_000 });
      for (let i = 0; i < 20_000; i++) logger.info({ i, pad: 'x'.repeat(40) }, 'line');
      await new Promise((resolve) => setImmediate(resolve));
    `);
    expect(stdout.length).toBeLessThanOrEqual(100_000);
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(100);
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i).slice(0, 3)).toEqual([0, 1, 2]);
    expect(stderr).toMatch(/logger: stdout is not keeping up; dropped \d+ bytes of log lines/);
  });
});
