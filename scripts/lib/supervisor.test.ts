import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createSupervisor, DEFAULT_RESTART_POLICY, nextRestart, type Supervisor } from './supervisor.mjs';

const FAST = { initialMs: 20, maxMs: 160, stableMs: 60_000 };

/** A stand-in service: a real Node process that reports ready and then idles until it is stopped. */
function idleService(): () => Promise<ChildProcess> {
  return async () => {
    const child = spawn(
      process.execPath,
      ['-e', "process.stdout.write('ready\\n'); setInterval(() => {}, 1000);"],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await once(child.stdout, 'data');
    return child;
  };
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

let supervisor: Supervisor | null = null;
afterEach(async () => {
  await supervisor?.stop();
  supervisor = null;
});

describe('restart pauses', () => {
  it('double with each crash in a row up to the cap, and start over after a long enough run', () => {
    const policy = { initialMs: 1000, maxMs: 30_000, stableMs: 60_000 };
    let crashes = 0;
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      const next = nextRestart(policy, crashes, 500);
      crashes = next.crashes;
      delays.push(next.delayMs);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(nextRestart(policy, crashes, 60_000)).toEqual({ crashes: 1, delayMs: 1000 });
    expect(DEFAULT_RESTART_POLICY).toEqual(policy);
  });
});

describe('the npm start supervisor', () => {
  it('restarts a crashed rag while the database and api keep running, backing off when it crashes again', async () => {
    const lines: string[] = [];
    const restarted: Array<{ name: string; child: ChildProcess }> = [];
    let onRestart: () => void = () => {};
    supervisor = createSupervisor({
      log: (line) => lines.push(line),
      policy: FAST,
      onRestarted: (name, child) => {
        restarted.push({ name, child });
        onRestart();
      },
    });
    const database = await supervisor.add('database', idleService());
    const rag = await supervisor.add('rag', idleService());
    const api = await supervisor.add('api', idleService());
    const nextRestartOf = () => new Promise<void>((resolve) => (onRestart = resolve));

    // rag dies the way a heap-limit crash ends it (SIGABRT, exit 134 from a shell's point of view).
    let restart = nextRestartOf();
    rag.kill('SIGABRT');
    await restart;
    expect(restarted.map((r) => r.name)).toEqual(['rag']);
    const rag2 = restarted[0]!.child;
    expect(rag2.pid).not.toBe(rag.pid);
    expect(alive(rag2) && alive(database) && alive(api)).toBe(true);
    expect(lines).toContain('rag exited unexpectedly (SIGABRT); restarting it in 0.02 s');

    restart = nextRestartOf();
    rag2.kill('SIGKILL');
    await restart;
    expect(lines).toContain('rag exited unexpectedly (SIGKILL); restarting it in 0.04 s (crash 2 in a row)');
    const rag3 = restarted[1]!.child;
    expect(alive(rag3) && alive(database) && alive(api)).toBe(true);

    await supervisor.stop();
    expect([rag3, database, api].some(alive)).toBe(false);
    const stopping = lines.filter((l) => l.startsWith('stopping'));
    expect(stopping).toEqual(['stopping api…', 'stopping rag…', 'stopping database…']);
  });

  it('keeps trying a service that cannot start again, with growing pauses', async () => {
    const lines: string[] = [];
    let failuresLeft = 0;
    const start = idleService();
    let onRestart: () => void = () => {};
    const restarted = new Promise<void>((resolve) => (onRestart = resolve));
    supervisor = createSupervisor({
      log: (line) => lines.push(line),
      policy: FAST,
      onRestarted: () => onRestart(),
    });
    const rag = await supervisor.add('rag', async () => {
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new Error('port 3001 is in use');
      }
      return start();
    });
    failuresLeft = 2;
    rag.kill('SIGKILL');
    await restarted;
    expect(lines.filter((l) => l.includes('did not start again'))).toEqual([
      'rag did not start again (port 3001 is in use); next attempt in 0.04 s',
      'rag did not start again (port 3001 is in use); next attempt in 0.08 s',
    ]);
  });

  it('does not restart anything once stopping, and a first start that fails is an error', async () => {
    const lines: string[] = [];
    supervisor = createSupervisor({
      log: (line) => lines.push(line),
      policy: { ...FAST, initialMs: 10_000, maxMs: 10_000 },
    });
    const rag = await supervisor.add('rag', idleService());
    rag.kill('SIGKILL');
    await once(rag, 'exit');
    await supervisor.stop();
    expect(lines).toEqual(['rag exited unexpectedly (SIGKILL); restarting it in 10 s']);

    const another = createSupervisor({ log: () => {} });
    await expect(another.add('api', () => Promise.reject(new Error('no dist/main.js')))).rejects.toThrow(
      'no dist/main.js',
    );
  });
});
