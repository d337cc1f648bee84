import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../events.js';
import { DeliveryGate } from './delivery-gate.js';

const streamId = '00000000-0000-4000-8000-000000000001';
const sessionId = '00000000-0000-4000-8000-000000000002';
const start: ChatEvent = { type: 'chat-stream-start', sessionId, streamId, route: 'general_qa' };
const token = (seq: number): ChatEvent => ({
  type: 'chat-stream-token',
  sessionId,
  streamId,
  seq,
  token: `t${seq}`,
});
const tokens = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => token(from + i));
const complete: ChatEvent = {
  type: 'chat-stream-complete',
  sessionId,
  streamId,
  messageId: '00000000-0000-4000-8000-000000000003',
  content: 'x',
  citations: [],
  chunkReferences: [],
  versions: [],
  currentVersion: 0,
  status: 'complete',
};

const seqs = (events: readonly ChatEvent[]) =>
  events.map((e) => (e.type === 'chat-stream-token' ? e.seq : e.type));

function sendLive(gate: DeliveryGate, events: readonly ChatEvent[]): ChatEvent[] {
  const sent: ChatEvent[] = [];
  for (const event of events) {
    const verdict = gate.live(event);
    if ('gap' in verdict) throw new Error(`gap at ${seqs([event]).join()}`);
    sent.push(...verdict.send);
  }
  return sent;
}

describe('DeliveryGate', () => {
  it('lets a live stream through once: start, tokens in order, one end, nothing after', () => {
    const gate = new DeliveryGate();
    const sent = sendLive(gate, [start, start, ...tokens(1, 3), token(2), complete, token(4), complete]);
    expect(seqs(sent)).toEqual(['chat-stream-start', 1, 2, 3, 'chat-stream-complete']);
    expect(gate.ended).toBe(true);
  });

  it('reports a token that skips a seq instead of sending it', () => {
    const gate = new DeliveryGate();
    sendLive(gate, [start, token(1)]);
    expect(gate.live(token(3))).toEqual({ gap: true });
    expect(gate.lastSeq).toBe(1);
  });

  it('a replay sends what the client lacks; live events meanwhile come after it, each seq once', () => {
    const gate = new DeliveryGate();
    const run = gate.beginReplay(2);
    // Live events overtake the read of the buffer.
    expect(sendLive(gate, [token(6), token(7)])).toEqual([]);
    const replayed = gate.replayed(run, tokens(3, 6));
    const { send: held, done } = gate.finishReplay(run);
    expect(done).toBe(true);
    expect(seqs([...replayed, ...held])).toEqual([3, 4, 5, 6, 7]);
    expect(seqs(sendLive(gate, [token(8)]))).toEqual([8]);
  });

  it('from seq 0 a replay sends the start once, even if it also came live', () => {
    const gate = new DeliveryGate();
    const run = gate.beginReplay(0);
    sendLive(gate, [start, token(1)]);
    const replayed = gate.replayed(run, [start, token(1)]);
    const { send } = gate.finishReplay(run);
    expect(seqs([...replayed, ...send])).toEqual(['chat-stream-start', 1]);
  });

  it('a newer replay supersedes the one in flight: the old one sends nothing more', () => {
    const gate = new DeliveryGate();
    const first = gate.beginReplay(0);
    expect(seqs(gate.replayed(first, [start, ...tokens(1, 2)]))).toEqual(['chat-stream-start', 1, 2]);
    const second = gate.beginReplay(0);
    expect(gate.isCurrent(first)).toBe(false);
    expect(gate.replayed(first, tokens(3, 4))).toEqual([]);
    expect(gate.finishReplay(first)).toEqual({ send: [], done: true });
    expect(seqs(gate.replayed(second, [start, ...tokens(1, 4)]))).toEqual(['chat-stream-start', 1, 2, 3, 4]);
    expect(gate.finishReplay(second).done).toBe(true);
  });

  it('when too much piles up during a replay it drops what it held and asks for another read', () => {
    const gate = new DeliveryGate(0, 3);
    const run = gate.beginReplay(0);
    sendLive(gate, tokens(1, 5));
    expect(gate.replayed(run, [start, token(1)])).toHaveLength(2);
    expect(gate.finishReplay(run)).toEqual({ send: [], done: false });
    expect(seqs(gate.replayed(run, tokens(2, 5)))).toEqual([2, 3, 4, 5]);
    expect(gate.finishReplay(run)).toEqual({ send: [], done: true });
  });

  it('a held token that skips a seq keeps the replay going from the last seq sent', () => {
    const gate = new DeliveryGate();
    const run = gate.beginReplay(0);
    sendLive(gate, [token(2), token(4)]);
    gate.replayed(run, [start, token(1)]);
    const first = gate.finishReplay(run);
    expect(seqs(first.send)).toEqual([2]);
    expect(first.done).toBe(false);
    expect(seqs(gate.replayed(run, tokens(3, 4)))).toEqual([3, 4]);
    expect(gate.finishReplay(run)).toEqual({ send: [], done: true });
  });

  it('accepts a gap in what the buffer gives back (the part it dropped for lack of room)', () => {
    const gate = new DeliveryGate();
    const run = gate.beginReplay(0);
    expect(seqs(gate.replayed(run, [...tokens(100, 101), complete]))).toEqual([
      100,
      101,
      'chat-stream-complete',
    ]);
  });

  it('an abandoned replay (unknown stream) sends what came live meanwhile', () => {
    const gate = new DeliveryGate();
    const run = gate.beginReplay(0);
    sendLive(gate, [start, token(1)]);
    expect(seqs(gate.abandonReplay(run))).toEqual(['chat-stream-start', 1]);
    expect(gate.inReplay).toBe(false);
  });
});
