// Types for supervisor.mjs (plain JavaScript, since scripts/ runs before anything is built).
import type { ChildProcess } from 'node:child_process';

export interface RestartPolicy {
  /** Pause before the first restart of a series. */
  initialMs: number;
  /** Longest pause between restarts. */
  maxMs: number;
  /** A run at least this long ends a series of crashes. */
  stableMs: number;
}

export const DEFAULT_RESTART_POLICY: Readonly<RestartPolicy>;

export function nextRestart(
  policy: RestartPolicy,
  crashesBefore: number,
  upMs: number,
): { crashes: number; delayMs: number };

export interface Supervisor {
  add(name: string, start: () => Promise<ChildProcess>): Promise<ChildProcess>;
  stop(): Promise<void>;
}

export function createSupervisor(options: {
  log: (message: string) => void;
  policy?: RestartPolicy;
  killAfterMs?: number;
  onRestarted?: (name: string, child: ChildProcess) => void;
}): Supervisor;
