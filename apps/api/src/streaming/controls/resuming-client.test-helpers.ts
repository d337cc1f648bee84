import { io, type Socket } from 'socket.io-client';
import type {
  ChatStreamCompletePayload,
  ChatStreamErrorPayload,
  ClientToServerEvents,
  ServerToClientEvents,
  StreamAck,
} from '@classchat/contracts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * What a well-behaved client does with one chat stream (what the web app must do too):
 *
 * - shows tokens strictly in seq order (a seq it has already seen is dropped, a seq ahead of the
 *   next expected one is held until the gap is filled);
 * - on every reconnect, recovered by Socket.IO or not, asks the server for everything after the last
 *   seq it has shown (`chat-stream-resume {streamId, afterSeq}`): chat events are not part of
 *   Socket.IO's recovery;
 * - keeps the first terminal event (complete or error) and ignores repeats.
 *
 * It records what happened (every token received, repeats, recoveries, resumes) so tests can check
 * that each seq arrived exactly once.
 */
export class ResumingClient {
  readonly socket: ClientSocket;
  /** The answer as shown: tokens in seq order without gaps or repeats. */
  text = '';
  /** The next seq to show (1 + the last one shown). */
  nextSeq = 1;
  complete: ChatStreamCompletePayload | null = null;
  error: ChatStreamErrorPayload | null = null;
  /** Every `chat-stream-token` of the stream received, repeats included. */
  tokensReceived = 0;
  /** Tokens received again and dropped (the server should send none). */
  duplicatesDropped = 0;
  /** The highest number of tokens held back waiting for a gap to fill. */
  maxHeld = 0;
  terminalsReceived = 0;
  starts = 0;
  connects = 0;
  recoveries = 0;
  resumes: StreamAck[] = [];
  /** Chat events of other streams, or of any stream for a client not following one. */
  foreignEvents = 0;

  private readonly held = new Map<number, string>();
  private readonly ended: Promise<void>;
  private resolveEnded!: () => void;

  constructor(
    apiUrl: string,
    token: string,
    readonly streamId: string,
    options: { resumeOnReconnect?: boolean; reconnectionDelayMs?: number } = {},
  ) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.socket = io(apiUrl, {
      auth: { token },
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: options.reconnectionDelayMs ?? 20,
      reconnectionDelayMax: options.reconnectionDelayMs ?? 20,
      randomizationFactor: 0,
    });
    this.socket.on('connect', () => {
      this.connects++;
      if (this.socket.recovered) this.recoveries++;
      if (this.connects > 1 && options.resumeOnReconnect !== false) void this.resume();
    });
    this.socket.on('chat-stream-start', (p) => {
      if (p.streamId !== this.streamId) return void this.foreignEvents++;
      this.starts++;
    });
    this.socket.on('chat-stream-token', (p) => {
      if (p.streamId !== this.streamId) return void this.foreignEvents++;
      this.tokensReceived++;
      if (p.seq < this.nextSeq || this.held.has(p.seq)) return void this.duplicatesDropped++;
      this.held.set(p.seq, p.token);
      for (let next = this.held.get(this.nextSeq); next !== undefined; next = this.held.get(this.nextSeq)) {
        this.held.delete(this.nextSeq);
        this.text += next;
        this.nextSeq++;
      }
      this.maxHeld = Math.max(this.maxHeld, this.held.size);
    });
    this.socket.on('chat-stream-complete', (p) => {
      if (p.streamId !== this.streamId) return void this.foreignEvents++;
      this.terminalsReceived++;
      if (this.complete || this.error) return;
      this.complete = p;
      this.resolveEnded();
    });
    this.socket.on('chat-stream-error', (p) => {
      if (p.streamId !== this.streamId) return void this.foreignEvents++;
      this.terminalsReceived++;
      if (this.complete || this.error) return;
      this.error = p;
      this.resolveEnded();
    });
  }

  /** The seq of the last token shown. */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** Tokens received ahead of a gap, not shown yet. */
  get heldCount(): number {
    return this.held.size;
  }

  connected(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }

  /** Asks for everything after the last seq shown. */
  async resume(afterSeq = this.lastSeq): Promise<StreamAck> {
    const ack = (await this.socket
      .timeout(5000)
      .emitWithAck('chat-stream-resume', { streamId: this.streamId, afterSeq })) as StreamAck;
    this.resumes.push(ack);
    return ack;
  }

  cancel(): Promise<StreamAck> {
    return this.socket
      .timeout(5000)
      .emitWithAck('chat-stream-cancel', { streamId: this.streamId }) as Promise<StreamAck>;
  }

  /** Cuts the connection under Socket.IO's feet (as a network drop would); it reconnects by itself. */
  drop(): void {
    this.socket.io.engine.close();
  }

  /** Resolves once the stream's terminal event arrived. */
  async end(timeoutMs = 20_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.ended,
      new Promise((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(`stream ${this.streamId} did not end within ${timeoutMs} ms (shown ${this.lastSeq})`),
            ),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /** Resolves once at least `seq` tokens are shown. */
  async shown(seq: number, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.lastSeq < seq) {
      if (Date.now() > deadline) throw new Error(`only ${this.lastSeq} of ${seq} tokens shown in time`);
      if (this.complete || this.error) throw new Error(`stream ended after ${this.lastSeq} tokens`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    this.socket.disconnect();
  }
}
