import type { ChildProcess } from 'node:child_process';

/** Kills a child process still running (SIGKILL: like a crash, nothing is flushed) and waits for it to exit. */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
