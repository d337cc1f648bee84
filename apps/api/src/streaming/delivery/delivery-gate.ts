import type { ChatEvent } from '../events.js';

/** What the gate does with a live event. */
export type LiveVerdict =
  /** Send these now (zero or one event). */
  | { send: ChatEvent[] }
  /** A token arrived ahead of the next seq (a live event was lost): replay from the buffer. */
  | { gap: true };

/** Live events held during a replay before the gate stops holding and re-reads the buffer instead. */
export const DEFAULT_MAX_HELD = 1024;

/**
 * What one socket has been sent of one stream, and the only door its events go through: live ones
 * and replayed ones alike. Each token seq passes once and in order, the start once, the end once.
 *
 * A replay (`beginReplay`) takes the client's word for what it has shown (`afterSeq`); live events
 * arriving meanwhile are held and released, minus what the replay sent, when it ends. Every live
 * event is in the replay buffer before it goes live, so what the gate holds is never the only copy:
 * when too much piles up it drops the lot and the replay reads on. A newer replay supersedes the
 * one in flight (its run number is no longer current).
 *
 * Pure: no I/O, no timers.
 */
export class DeliveryGate {
  /** The last token seq sent (or that the client said it had shown). */
  private cursor: number;
  private startSent: boolean;
  private endSent = false;
  private run = 0;
  private replaying = false;
  private held: ChatEvent[] = [];
  private overflowed = false;

  constructor(
    afterSeq = 0,
    private readonly maxHeld = DEFAULT_MAX_HELD,
  ) {
    this.cursor = afterSeq;
    this.startSent = afterSeq > 0;
  }

  get lastSeq(): number {
    return this.cursor;
  }

  /** The end (complete or error) has been sent: nothing more will pass. */
  get ended(): boolean {
    return this.endSent;
  }

  get inReplay(): boolean {
    return this.replaying;
  }

  /** Starts a replay after `afterSeq` (the client's word; `null` keeps what the gate knows). */
  beginReplay(afterSeq: number | null): number {
    if (afterSeq !== null) {
      this.cursor = afterSeq;
      this.startSent = afterSeq > 0;
      this.endSent = false;
    }
    this.replaying = true;
    this.held = [];
    this.overflowed = false;
    return ++this.run;
  }

  /** Whether `run` is the replay in flight (a newer one supersedes it). */
  isCurrent(run: number): boolean {
    return this.replaying && run === this.run;
  }

  /** A live event for this socket. */
  live(event: ChatEvent): LiveVerdict {
    if (this.replaying) {
      if (this.held.length < this.maxHeld) this.held.push(event);
      else {
        this.held = [];
        this.overflowed = true;
      }
      return { send: [] };
    }
    if (event.type === 'chat-stream-token' && event.seq > this.cursor + 1) return { gap: true };
    return { send: this.pass(event) ? [event] : [] };
  }

  /** Events read from the buffer for replay `run`: what of them to send (none once superseded). */
  replayed(run: number, events: readonly ChatEvent[]): ChatEvent[] {
    if (!this.isCurrent(run)) return [];
    return events.filter((event) => this.pass(event));
  }

  /**
   * The replay has read all the buffer had: the held live events to send now, and whether the
   * replay is over. It is not when the gate had to drop what it held, or a held token skips a seq
   * (lost on the way): the buffer is then read once more from the last seq sent.
   */
  finishReplay(run: number): { send: ChatEvent[]; done: boolean } {
    if (!this.isCurrent(run)) return { send: [], done: true };
    if (this.overflowed) {
      this.overflowed = false;
      return { send: [], done: false };
    }
    const held = this.held;
    this.held = [];
    const send: ChatEvent[] = [];
    for (const [i, event] of held.entries()) {
      if (event.type === 'chat-stream-token' && event.seq > this.cursor + 1) {
        this.held = held.slice(i);
        return { send, done: false };
      }
      if (this.pass(event)) send.push(event);
    }
    this.replaying = false;
    return { send, done: true };
  }

  /** Ends the replay in flight without sending what it held (nothing to read: unknown stream). */
  abandonReplay(run: number): ChatEvent[] {
    if (!this.isCurrent(run)) return [];
    const held = this.held;
    this.held = [];
    this.replaying = false;
    return held.filter((event) => this.pass(event));
  }

  private pass(event: ChatEvent): boolean {
    if (this.endSent) return false;
    switch (event.type) {
      case 'chat-stream-start':
        if (this.startSent) return false;
        this.startSent = true;
        return true;
      case 'chat-stream-token':
        // From the buffer a gap is what it dropped for lack of room: nothing can fill it.
        if (event.seq <= this.cursor) return false;
        this.cursor = event.seq;
        return true;
      case 'chat-stream-complete':
      case 'chat-stream-error':
        this.endSent = true;
        return true;
    }
  }
}
