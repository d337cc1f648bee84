import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from './events.js';
import type { StreamAbort } from './failures.js';
import { StreamRegistry } from './registry.js';

const begin = (registry: StreamRegistry, userId: string = randomUUID()) =>
  registry.begin({ streamId: randomUUID(), userId, sessionId: randomUUID(), requestId: 'r', receivedAt: 0 });

const tokenOf = (
  streamId: string,
  seq: number,
  sessionId: string = randomUUID(),
  token = 't',
): Extract<ChatEvent, { type: 'chat-stream-token' }> => ({
  type: 'chat-stream-token',
  sessionId,
  streamId,
  seq,
  token,
});

describe('StreamRegistry', () => {
  it("publish hands the event to the stream's sinks in the order they were added", () => {
    const order: string[] = [];
    const registry = new StreamRegistry();
    const stream = begin(registry, 'u1');
    registry.addSink(stream.streamId, () => order.push('buffer'));
    registry.addSink(stream.streamId, () => order.push('sockets'));
    registry.publish(stream, tokenOf(stream.streamId, 1));
    expect(order).toEqual(['buffer', 'sockets']);
  });

  it('a throwing sink does not stop the other sinks', () => {
    const errors: unknown[] = [];
    const seen: string[] = [];
    const registry = new StreamRegistry((err) => errors.push(err));
    const stream = begin(registry);
    registry.addSink(stream.streamId, () => {
      throw new Error('bad sink');
    });
    registry.addSink(stream.streamId, () => seen.push('sink2'));
    registry.publish(stream, tokenOf(stream.streamId, 1));
    expect(seen).toEqual(['sink2']);
    expect(errors).toHaveLength(1);
  });

  it('publishes nothing after a terminal event', () => {
    const seen: ChatEvent[] = [];
    const registry = new StreamRegistry();
    const stream = begin(registry);
    registry.addSink(stream.streamId, (e) => seen.push(e));
    registry.publish(stream, {
      type: 'chat-stream-error',
      sessionId: stream.sessionId,
      streamId: stream.streamId,
      error: 'x',
      code: 'internal',
      retryable: true,
    });
    registry.publish(stream, tokenOf(stream.streamId, 2));
    expect(seen.map((e) => e.type)).toEqual(['chat-stream-error']);
    expect(stream.ended).toBe(true);
  });

  it("keeps the client's stream id unless it is running; another user's stream reads as absent", () => {
    const registry = new StreamRegistry();
    const wanted = randomUUID();
    expect(registry.pickStreamId(wanted)).toBe(wanted);
    const stream = registry.begin({
      streamId: wanted,
      userId: 'u1',
      sessionId: randomUUID(),
      requestId: 'r',
      receivedAt: 0,
    });
    expect(registry.pickStreamId(wanted)).not.toBe(wanted);
    expect(registry.pickStreamId(undefined)).toMatch(/^[0-9a-f-]{36}$/);
    expect(() => registry.begin({ ...stream, streamId: wanted })).toThrow();
    expect(registry.getForUser('u1', wanted)).toBe(stream);
    expect(registry.getForUser('u2', wanted)).toBeUndefined();
    expect(registry.cancel('u2', wanted)).toBe(false);
    expect(stream.controller.signal.aborted).toBe(false);
  });

  it('cancel aborts with a StreamAbort reason; abortAll aborts every stream', () => {
    const registry = new StreamRegistry();
    const a = begin(registry, 'u1');
    const b = begin(registry, 'u2');
    expect(registry.cancel('u1', a.streamId)).toBe(true);
    expect((a.controller.signal.reason as StreamAbort).kind).toBe('cancelled');
    registry.abortAll();
    expect((b.controller.signal.reason as StreamAbort).kind).toBe('shutdown');
    expect((a.controller.signal.reason as StreamAbort).kind).toBe('cancelled');
  });

  it('end removes the stream and its sinks and runs the hooks; drain waits for the last one', async () => {
    const registry = new StreamRegistry();
    const begun: string[] = [];
    const ended: string[] = [];
    registry.onBegin((s) => begun.push(s.streamId));
    registry.onEnd((s) => ended.push(s.streamId));
    const a = begin(registry);
    const b = begin(registry);
    registry.addSink(a.streamId, () => {});
    expect(registry.stats()).toEqual({ streams: 2, sinks: 1 });
    const drained = registry.drain(1_000);
    registry.end(a);
    registry.end(a);
    setTimeout(() => registry.end(b), 10);
    await drained;
    expect(registry.stats()).toEqual({ streams: 0, sinks: 0 });
    expect(begun).toEqual([a.streamId, b.streamId]);
    expect(ended).toEqual([a.streamId, b.streamId]);
    expect(registry.forUser(a.userId)).toEqual([]);
  });
});
