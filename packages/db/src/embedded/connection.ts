import type { Socket } from 'node:net';
import { ConnectionStatements } from './statement-names.js';

/** Where a connection's messages are executed (the shared {@link ExclusiveQueryQueue}). */
export interface QueryQueue {
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number>;
  clearQueueForHandler(handlerId: number): void;
  clearTransactionIfNeeded(handlerId: number): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const TERMINATE = 0x58; // 'X'

let nextId = 1;

/**
 * One client connection of the embedded server. Everything a client sent in one write (node-postgres
 * sends Parse, Bind, Describe, Execute and Sync together) is executed as one batch and answered in
 * one write: pglite-socket's handler ran and answered every message separately, five trips through
 * the queue and five socket writes per statement.
 */
export class WireConnection {
  readonly id = nextId++;
  private readonly statements = new ConnectionStatements(this.id);
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;
  private busy = false;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly queue: QueryQueue,
    private readonly onClosed: (connection: WireConnection) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      void this.drain();
    });
    socket.on('error', () => void this.close());
    socket.on('close', () => void this.close());
  }

  /** Disconnects: drops queued messages, rolls back an open transaction and closes its prepared statements. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.clearQueueForHandler(this.id);
    await this.queue.clearTransactionIfNeeded(this.id).catch(() => undefined);
    const closeStatements = this.statements.closeAll();
    if (closeStatements)
      await this.queue.enqueue(this.id, closeStatements, () => undefined).catch(() => undefined);
    this.socket.destroy();
    this.onClosed(this);
  }

  /** Executes what has arrived, one batch at a time, in order. */
  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (!this.closed) {
        const batch = this.started ? this.takeMessages() : this.takeStartup();
        if (!batch) break;
        if (batch.messages.length) await this.execute(batch.messages);
        if (batch.terminate) {
          await this.close();
          break;
        }
      }
    } catch {
      await this.close();
    } finally {
      this.busy = false;
    }
  }

  private async execute(messages: Buffer): Promise<void> {
    const out: Uint8Array[] = [];
    await this.queue.enqueue(this.id, messages, (data) => {
      if (data.length) out.push(Buffer.from(data));
    });
    if (out.length && this.socket.writable)
      this.socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
  }

  /** The untyped first message(s): SSL/GSS encryption requests are declined, then the startup packet. */
  private takeStartup(): Batch | null {
    for (;;) {
      if (this.buffer.length < 8) return null;
      const length = this.buffer.readInt32BE(0);
      if (this.buffer.length < length) return null;
      const code = this.buffer.readInt32BE(4);
      const packet = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        this.socket.write('N');
        continue;
      }
      if (code === CANCEL_REQUEST) return { messages: Buffer.alloc(0), terminate: true };
      this.started = true;
      return { messages: packet, terminate: false };
    }
  }

  /** Every complete typed message buffered, up to a Terminate. */
  private takeMessages(): Batch | null {
    let end = 0;
    let terminate = false;
    while (this.buffer.length - end >= 5) {
      const size = 1 + this.buffer.readInt32BE(end + 1);
      if (this.buffer.length - end < size) break;
      if (this.buffer[end] === TERMINATE) {
        terminate = true;
        break;
      }
      end += size;
    }
    if (end === 0 && !terminate) return null;
    const messages = this.statements.rewrite(this.buffer.subarray(0, end));
    this.buffer = terminate ? Buffer.alloc(0) : this.buffer.subarray(end);
    return { messages, terminate };
  }
}

interface Batch {
  messages: Buffer;
  terminate: boolean;
}
