import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const loggerModule = fileURLToPath(new URL('./logger.ts', import.meta.url));

/** Runs `body` in a fresh node process with `createLogger` in scope; its stdout lines. */
function stdoutOf(body: string): string[] {
  const script = `import { createLogger } from ${JSON.stringify(loggerModule)};\n${body}`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(run.stderr).toBe('');
  return run.stdout.split('\n').filter(Boolean);
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
});
