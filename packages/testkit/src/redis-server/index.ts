import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { killChild } from '../child-process.js';
import { freePort } from '../free-port.js';

/**
 * A private `redis-server` on a free port that a test can take down and bring back on the same
 * port, for Redis outages (the shared test Redis must never be stopped).
 */
export interface PrivateRedis {
  url: string;
  port: number;
  /** Kill it (SIGKILL: like a crash, nothing is flushed); resolves once it has exited. */
  kill(): Promise<void>;
  /** Freeze it (SIGSTOP): connections stay open, nothing is answered, as with a hung server. */
  freeze(): void;
  /** Undo `freeze`. */
  thaw(): void;
  /** Start it again on the same port (empty); resolves once it answers PING. */
  restart(): Promise<void>;
  /** Stop it for good. */
  close(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    const spawned = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    child = spawned;
    const exited = new Promise<never>((_, reject) =>
      spawned.once('exit', (code) => reject(new Error(`redis-server exited (${code})`))),
    );
    exited.catch(() => undefined);
    await Promise.race([untilPong(port), exited]);
  };
  const kill = async () => {
    const running = child;
    child = null;
    if (!running) return;
    // A frozen server is woken first (a no-op once it has exited).
    running.kill('SIGCONT');
    await killChild(running);
  };
  // A test process that ends without closing it (a crash, a timeout) must not leave it running.
  const killOnExit = () => void child?.kill('SIGKILL');
  process.once('exit', killOnExit);
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    async restart() {
      await kill();
      await start();
    },
    async close() {
      process.off('exit', killOnExit);
      await kill();
    },
  };
}

async function untilPong(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await pings(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server on port ${port} did not answer`);
}

function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
  });
}
