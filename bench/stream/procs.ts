import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface Service {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The first match of the readiness pattern (e.g. the URL the service printed). */
  ready: RegExpExecArray;
  logPath: string;
  stop(): Promise<void>;
}

/**
 * One of our TypeScript entry points as a child process (`node --conditions=@classchat/source --import tsx`),
 * stdout and stderr to `logPath`; resolves once the log matches `ready`.
 */
export async function startService(options: {
  name: string;
  entry: string;
  env: Record<string, string>;
  ready: RegExp;
  logPath: string;
  timeoutMs?: number;
  /** Extra node flags (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** Modules loaded before the entry, after the TypeScript loader (so they may be TypeScript). */
  preload?: string[];
}): Promise<Service> {
  const fd = openSync(options.logPath, 'w');
  const args = [
    ...(options.nodeArgs ?? []),
    '--conditions=@classchat/source',
    '--import',
    'tsx',
    ...(options.preload ?? []).flatMap((module) => ['--import', module]),
    options.entry,
  ];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  // A benchmark that dies (an uncaught error) must not leave its services running.
  const killOnExit = () => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    const match = options.ready.exec(readFileSync(options.logPath, 'utf8'));
    if (match) {
      return {
        name: options.name,
        child,
        pid: child.pid!,
        ready: match,
        logPath: options.logPath,
        stop: () => stopChild(child),
      };
    }
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} did not start; see ${options.logPath}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

const CLOCK_TICKS_PER_S = 100;

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3, utime field 14, stime field 15 (1-based over the whole line).
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

/** CPU seconds in the kernel (system time) a process has used so far, from /proc. */
export function systemCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[12]) / CLOCK_TICKS_PER_S;
}

/** Resident memory of a process in MB, from /proc. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** CPU seconds the whole machine has been busy (all cores, idle and iowait left out), from /proc/stat. */
export function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8')
    .split('\n', 1)[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
  const [user, nice, system, , , irq, softirq, steal] = fields as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_S;
}
