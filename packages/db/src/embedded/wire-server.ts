import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { WireConnection, type QueryQueue } from './connection.js';

/** ReadyForQuery transaction status: idle, in a transaction block, in a failed transaction block. */
type TxStatus = 'I' | 'T' | 'E';

const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

/** A simple-protocol Query message. */
function queryMessage(text: string): Uint8Array {
  const body = Buffer.from(`${text}\0`, 'utf8');
  const msg = Buffer.alloc(5 + body.length);
  msg[0] = 0x51;
  msg.writeInt32BE(4 + body.length, 1);
  body.copy(msg, 5);
  return msg;
}

/**
 * Follows backend messages across chunks and remembers the status of the last ReadyForQuery ('Z').
 * Each execution's output starts on a message boundary.
 */
class ReadyForQueryTracker {
  status: TxStatus | null = null;
  private header = Buffer.alloc(5);
  private headerLength = 0;
  private type = 0;
  private bodyLeft = 0;
  private bodyRead = 0;

  feed(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.bodyLeft === 0 && this.headerLength < 5) {
        const n = Math.min(5 - this.headerLength, chunk.length - i);
        this.header.set(chunk.subarray(i, i + n), this.headerLength);
        this.headerLength += n;
        i += n;
        if (this.headerLength === 5) {
          this.type = this.header[0]!;
          this.bodyLeft = this.header.readInt32BE(1) - 4;
          this.bodyRead = 0;
          if (this.bodyLeft <= 0) this.headerLength = 0;
        }
        continue;
      }
      if (this.type === 0x5a && this.bodyRead === 0) this.status = String.fromCharCode(chunk[i]!) as TxStatus;
      const n = Math.min(this.bodyLeft, chunk.length - i);
      this.bodyLeft -= n;
      this.bodyRead += n;
      i += n;
      if (this.bodyLeft === 0) this.headerLength = 0;
    }
  }
}

interface QueueItem {
  handlerId: number;
  message: Uint8Array | 'reset';
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: Error) => void;
}

/**
 * Serialises all connections onto PGlite's single backend session. Unlike pglite-socket's own queue,
 * a connection keeps the backend from its first message until the backend is idle again (a
 * ReadyForQuery with status 'I'): not only across an explicit transaction but also across an
 * extended-protocol sequence (Parse/Bind/Execute … Sync), whose unnamed statement and portal another
 * connection's messages would otherwise replace.
 */
export class ExclusiveQueryQueue implements QueryQueue {
  private queue: QueueItem[] = [];
  private owner: number | null = null;
  private running = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      this.pump();
    });
  }

  /** Drops a disconnected connection's waiting messages. */
  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((item) => {
      if (item.handlerId !== handlerId) return true;
      item.reject(new Error('Handler disconnected'));
      return false;
    });
  }

  /** If a disconnected connection owned the backend: end its protocol sequence and roll back its transaction. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    await new Promise<number>((resolve, reject) => {
      this.queue.unshift({ handlerId, message: 'reset', onData: () => undefined, resolve, reject });
      this.pump();
    });
  }

  /** Resolves once nothing is executing. */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  private async run(): Promise<void> {
    for (;;) {
      const index =
        this.owner === null
          ? this.queue.length > 0
            ? 0
            : -1
          : this.queue.findIndex((i) => i.handlerId === this.owner);
      if (index < 0) {
        // Synchronously, so that a message enqueued right after this sees `running === false`.
        this.running = false;
        for (const resolve of this.idleWaiters.splice(0)) resolve();
        return;
      }
      const item = this.queue.splice(index, 1)[0]!;
      try {
        if (item.message === 'reset') {
          const status = await this.execute(SYNC, () => undefined);
          if (status !== null && status !== 'I')
            await this.execute(queryMessage('ROLLBACK'), () => undefined);
          this.owner = null;
          item.resolve(0);
          continue;
        }
        let bytes = 0;
        const status = await this.execute(item.message, (data) => {
          bytes += data.length;
          item.onData(data);
        });
        // No ReadyForQuery yet: mid-sequence, the connection keeps the backend.
        this.owner = status === 'I' ? null : item.handlerId;
        item.resolve(bytes);
      } catch (err) {
        item.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  private async execute(message: Uint8Array, onData: (data: Uint8Array) => void): Promise<TxStatus | null> {
    const tracker = new ReadyForQueryTracker();
    await this.db.runExclusive(() =>
      this.db.execProtocolRawStream(message, {
        onRawData: (data) => {
          tracker.feed(data);
          onData(data);
        },
      }),
    );
    return tracker.status;
  }
}

export interface WireServerOptions {
  host: string;
  port: number;
  maxConnections: number;
}

/** Serves one PGlite instance over the PostgreSQL wire protocol to many connections. */
export class WireServer {
  private server: Server | null = null;
  private readonly connections = new Set<WireConnection>();
  private readonly queue: ExclusiveQueryQueue;
  private accepting = false;

  constructor(
    db: PGlite,
    private readonly options: WireServerOptions,
  ) {
    this.queue = new ExclusiveQueryQueue(db);
  }

  /** Listens; resolves with the bound port. */
  async start(): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = this.options.maxConnections;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.accepting = true;
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('Expected a TCP address');
    return address.port;
  }

  /** Stops listening, disconnects every client (rolling back open transactions) and waits for the running query. */
  async stop(): Promise<void> {
    this.accepting = false;
    const server = this.server;
    this.server = null;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    await Promise.all([...this.connections].map((c) => c.close()));
    await this.queue.idle();
    await closed;
  }

  private accept(socket: Socket): void {
    if (!this.accepting || this.connections.size >= this.options.maxConnections) {
      socket.end('Too many connections\n');
      return;
    }
    this.connections.add(new WireConnection(socket, this.queue, (c) => this.connections.delete(c)));
  }
}
