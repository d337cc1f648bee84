import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const guard = fileURLToPath(new URL('./process-guard.ts', import.meta.url));

/** Runs `body` as an ES module in a fresh Node process (TypeScript through tsx). */
function run(body: string): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', body], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout })));
}

// Rejects a promise nobody handles, then reports whether the process was still there to go on.
const rejectThenCarryOn = `
  Promise.reject(new Error('Redis is down'));
  setTimeout(() => console.log('still running'), 50);
`;

describe('logUnhandledRejections', () => {
  it('logs a promise rejection nobody handled and keeps the process running', async () => {
    const { code, stdout } = await run(`
      import { logUnhandledRejections } from ${JSON.stringify(guard)};
      logUnhandledRejections({ error: (o, msg) => console.log('logged:', o.err.message, '|', msg) });
      ${rejectThenCarryOn}
    `);
    expect(stdout).toContain('logged: Redis is down |');
    expect(stdout).toContain('still running');
    expect(code).toBe(0);
  });

  it('(without it, Node ends the process on such a rejection)', async () => {
    const { code, stdout } = await run(rejectThenCarryOn);
    expect(stdout).not.toContain('still running');
    expect(code).not.toBe(0);
  });
});
