// Keeping `npm start`'s services running: a service that dies is started again after a pause that
// doubles with each crash in a row (reset once it has stayed up a while), and the others carry on.
// Plain Node, like the rest of scripts/: it runs before any package is built.
import { once } from 'node:events';

/** @typedef {import('node:child_process').ChildProcess} ChildProcess */
/** @typedef {{ initialMs: number, maxMs: number, stableMs: number }} RestartPolicy */
/**
 * @typedef {{
 *   name: string,
 *   start: () => Promise<ChildProcess>,
 *   child: ChildProcess | null,
 *   starting: Promise<unknown> | null,
 *   timer: NodeJS.Timeout | null,
 * }} Service
 */

/** 1 s, 2 s, 4 s … 30 s between restarts; a service up for a minute counts as healthy again. */
export const DEFAULT_RESTART_POLICY = Object.freeze({ initialMs: 1000, maxMs: 30_000, stableMs: 60_000 });

/**
 * After a service exited: its crashes in a row (this one included) and how long to wait before
 * starting it again. A run of at least `stableMs` ends the series, so an occasional crash restarts
 * at once while a crash loop backs off to `maxMs`.
 *
 * @param {RestartPolicy} policy
 * @param {number} crashesBefore crashes in a row before this one
 * @param {number} upMs how long the run that just ended lasted
 * @returns {{ crashes: number, delayMs: number }}
 */
export function nextRestart(policy, crashesBefore, upMs) {
  const crashes = upMs >= policy.stableMs ? 1 : crashesBefore + 1;
  const delayMs = Math.min(policy.maxMs, policy.initialMs * 2 ** (crashes - 1));
  return { crashes, delayMs };
}

/**
 * Starts services in order and keeps them running. A service's `start()` spawns it and resolves
 * with its ChildProcess once it is ready, or rejects when it cannot start. A first start that fails
 * rejects `add` (the product cannot come up); after that, every exit not asked for is a crash,
 * answered by a restart after `nextRestart`'s pause, while the other services keep running.
 * `stop()` stops the services in reverse order (SIGTERM, then SIGKILL after `killAfterMs`).
 *
 * @param {{
 *   log: (message: string) => void,
 *   policy?: RestartPolicy,
 *   killAfterMs?: number,
 *   onRestarted?: (name: string, child: ChildProcess) => void,
 * }} options
 */
export function createSupervisor(options) {
  const policy = options.policy ?? DEFAULT_RESTART_POLICY;
  const killAfterMs = options.killAfterMs ?? 15_000;
  /** @type {Service[]} */
  const services = [];
  let stopping = false;

  /** @param {Service} service @param {ChildProcess} child @param {number} crashesBefore */
  function watch(service, child, crashesBefore) {
    service.child = child;
    const startedAt = Date.now();
    child.once('exit', (code, signal) => {
      service.child = null;
      if (stopping) return;
      const { crashes, delayMs } = nextRestart(policy, crashesBefore, Date.now() - startedAt);
      const series = crashes > 1 ? ` (crash ${crashes} in a row)` : '';
      options.log(
        `${service.name} exited unexpectedly (${code ?? signal}); restarting it in ${delayMs / 1000} s${series}`,
      );
      restartLater(service, crashes, delayMs);
    });
  }

  /** @param {Service} service @param {number} crashes @param {number} delayMs */
  function restartLater(service, crashes, delayMs) {
    service.timer = setTimeout(() => {
      service.timer = null;
      if (stopping) return;
      service.starting = service.start().then(
        (child) => {
          service.starting = null;
          watch(service, child, crashes);
          if (stopping) return; // stop() waits for this start, then stops the child
          options.log(`${service.name} restarted`);
          options.onRestarted?.(service.name, child);
        },
        (err) => {
          service.starting = null;
          const next = nextRestart(policy, crashes, 0);
          const why = err instanceof Error ? err.message : String(err);
          options.log(
            `${service.name} did not start again (${why}); next attempt in ${next.delayMs / 1000} s`,
          );
          if (!stopping) restartLater(service, next.crashes, next.delayMs);
        },
      );
    }, delayMs);
  }

  return {
    /**
     * @param {string} name
     * @param {() => Promise<ChildProcess>} start
     * @returns {Promise<ChildProcess>}
     */
    async add(name, start) {
      const child = await start();
      /** @type {Service} */
      const service = { name, start, child, starting: null, timer: null };
      services.push(service);
      watch(service, child, 0);
      return child;
    },
    /** Stops every service, the last added first; a restart under way is finished, then stopped. */
    async stop() {
      stopping = true;
      for (const service of [...services].reverse()) {
        if (service.timer) clearTimeout(service.timer);
        await service.starting?.catch(() => undefined);
        const child = service.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) continue;
        options.log(`stopping ${service.name}…`);
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
