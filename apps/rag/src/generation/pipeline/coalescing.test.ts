import { describe, expect, it } from 'vitest';
import { streamingAnswers } from './coalescing.js';

describe('streamingAnswers', () => {
  it('sends text as it is read while fewer answers than fromStreams stream at once', () => {
    const streaming = streamingAnswers({ windowMs: 40, fromStreams: 3 });
    const first = streaming.begin();
    const second = streaming.begin();
    expect([first.coalesceMs, second.coalesceMs]).toEqual([0, 0]);
    expect(streaming.running).toBe(2);
  });

  it('gives the window to every answer that starts while fromStreams or more stream', () => {
    const streaming = streamingAnswers({ windowMs: 40, fromStreams: 2 });
    const first = streaming.begin();
    const second = streaming.begin();
    const third = streaming.begin();
    expect([first.coalesceMs, second.coalesceMs, third.coalesceMs]).toEqual([0, 40, 40]);
  });

  it('counts an answer out once when it ends, even if told twice', () => {
    const streaming = streamingAnswers({ windowMs: 40, fromStreams: 2 });
    const first = streaming.begin();
    first.end();
    first.end();
    expect(streaming.running).toBe(0);
    expect(streaming.begin().coalesceMs).toBe(0);
    expect(streaming.begin().coalesceMs).toBe(40);
  });

  it('keeps off and a window of 0 whatever the load', () => {
    const off = streamingAnswers({ windowMs: 'off', fromStreams: 5 });
    expect(off.begin().coalesceMs).toBe('off');
    const none = streamingAnswers({ windowMs: 0, fromStreams: 1 });
    expect(none.begin().coalesceMs).toBe(0);
    expect(none.begin().coalesceMs).toBe(0);
  });
});
