/**
 * One measured phase: a forked load generator runs a tier against one path while this process
 * reads the CPU and memory of every process on the machine that takes part, from /proc.
 */
import { fork } from 'node:child_process';
import { appendFileSync, closeSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FromLoadgen, type LoadPlan, type LoadResult } from './load-protocol.js';
import { memQuarters, type MemQuarters } from './mem-samples.js';
import { cpuSeconds, machineBusySeconds, repoRoot, rssMb } from './procs.js';

export interface Role {
  /** e.g. `api`, `rag`, `peer`: the processes whose CPU a token costs. */
  name: string;
  pids: number[];
  /** The processes' memory sample files (`mem-monitor.ts`), if they write them. */
  memLogs?: string[];
}

export interface PhaseFigures {
  path: string;
  concurrency: number;
  load: LoadResult;
  wallS: number;
  /** CPU seconds per role, server roles and the rest (db, upstream, redis) alike. */
  cpuS: Record<string, number>;
  /** Summed RSS of each server role at 0, 25, 50, 75 and 100 % of the phase, and its peak. */
  rss: Record<string, { series: number[]; peak: number }>;
  /** Live heap after GC, RSS and committed heap per quarter of the phase, for roles that sample them. */
  memory: Record<string, MemQuarters>;
}

const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
const rssOf = (pids: number[]) => pids.reduce((sum, pid) => sum + rssMb(pid), 0);

/** Forks the load generator; resolves its messages in order. */
function startLoadgen(logPath: string, loopLog: string | undefined) {
  const fd = openSync(logPath, 'a');
  const child = fork(join(repoRoot, 'bench/stream/loadgen.ts'), [], {
    cwd: repoRoot,
    execArgv: [
      '--conditions=@classchat/source',
      '--import',
      'tsx',
      ...(loopLog ? ['--import', './bench/stream/loop-monitor.ts'] : []),
    ],
    env: { ...process.env, ...(loopLog ? { BENCH_LOOP_OUT: loopLog } : {}) },
    stdio: ['ignore', fd, fd, 'ipc'],
    // Structured clone keeps NaN (an empty summary) as NaN.
    serialization: 'advanced',
  });
  closeSync(fd);
  const waiting = new Map<string, (m: FromLoadgen) => void>();
  const early = new Map<string, FromLoadgen>();
  let fail!: (err: Error) => void;
  const exited = new Promise<never>((_, reject) => (fail = reject));
  exited.catch(() => undefined);
  child.once('exit', (code) => fail(new Error(`load generator exited (${code}); see ${logPath}`)));
  child.on('message', (raw) => {
    const parsed = FromLoadgen.safeParse(raw);
    if (!parsed.success) {
      fail(new Error(`load generator sent a malformed message: ${parsed.error.message}`));
      child.kill();
      return;
    }
    const resolve = waiting.get(parsed.data.type);
    if (resolve) resolve(parsed.data);
    else early.set(parsed.data.type, parsed.data);
  });
  const next = <T extends FromLoadgen['type']>(type: T) =>
    Promise.race([
      exited,
      new Promise<Extract<FromLoadgen, { type: T }>>((resolve) => {
        const seen = early.get(type);
        if (seen) resolve(seen as Extract<FromLoadgen, { type: T }>);
        else waiting.set(type, (m) => resolve(m as Extract<FromLoadgen, { type: T }>));
      }),
    ]);
  return { child, next };
}

/**
 * Every second, how many cores the machine was busy and how many of them this run's processes (and
 * this one) used: the rest is other work on the shared machine.
 */
function sampleMachine(path: string, roles: Role[]): NodeJS.Timeout {
  rmSync(path, { force: true });
  const ours = () => {
    const own = process.cpuUsage();
    return roles.reduce((sum, r) => sum + cpuOf(r.pids), 0) + (own.user + own.system) / 1e6;
  };
  let last = { t: Date.now(), busy: machineBusySeconds(), ours: ours() };
  return setInterval(() => {
    const now = { t: Date.now(), busy: machineBusySeconds(), ours: ours() };
    const s = (now.t - last.t) / 1000;
    const line = { t: now.t, busyCores: (now.busy - last.busy) / s, oursCores: (now.ours - last.ours) / s };
    appendFileSync(path, `${JSON.stringify(line)}\n`);
    last = now;
  }, 1_000);
}

export async function runPhase(options: {
  path: string;
  plan: LoadPlan;
  servers: Role[];
  others: Role[];
  logPath: string;
  /** The load generator's event-loop stalls (`loop-monitor.ts`), appended here. */
  loopLog?: string;
  /** Once a second, the machine's busy cores and this run's share of them, written here. */
  machineLog?: string;
}): Promise<PhaseFigures> {
  const loadgen = startLoadgen(options.logPath, options.loopLog);
  loadgen.child.send({ type: 'plan', plan: options.plan });
  await loadgen.next('connected');
  const roles = [...options.servers, ...options.others, { name: 'loadgen', pids: [loadgen.child.pid!] }];
  const cpu0 = roles.map((r) => cpuOf(r.pids));
  const samples = options.servers.map((r) => [rssOf(r.pids)]);
  const sampler = setInterval(() => options.servers.forEach((r, i) => samples[i]!.push(rssOf(r.pids))), 250);
  const machine = options.machineLog ? sampleMachine(options.machineLog, roles) : null;
  const t0 = performance.now();
  const wall0 = Date.now();
  loadgen.child.send({ type: 'go' });
  try {
    await loadgen.next('finished');
  } finally {
    clearInterval(sampler);
    if (machine) clearInterval(machine);
  }
  const wallS = (performance.now() - t0) / 1000;
  const wall1 = Date.now();
  const cpuS = Object.fromEntries(roles.map((r, i) => [r.name, cpuOf(r.pids) - cpu0[i]!]));
  options.servers.forEach((r, i) => samples[i]!.push(rssOf(r.pids)));
  const { result } = await loadgen.next('result');
  const rss = Object.fromEntries(
    options.servers.map((r, i) => {
      const s = samples[i]!;
      const at = (q: number) => s[Math.min(s.length - 1, Math.round(q * (s.length - 1)))]!;
      return [r.name, { series: [0, 0.25, 0.5, 0.75, 1].map(at), peak: Math.max(...s) }];
    }),
  );
  const memory = Object.fromEntries(
    options.servers.flatMap((r) => {
      const quarters = r.memLogs ? memQuarters(r.memLogs, wall0, wall1) : null;
      return quarters ? [[r.name, quarters]] : [];
    }),
  );
  return {
    path: options.path,
    concurrency: options.plan.concurrency,
    load: result,
    wallS,
    cpuS,
    rss,
    memory,
  };
}
