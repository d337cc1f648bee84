import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchSilence } from './silence-watch.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const clock = () => Date.now();

describe('watchSilence', () => {
  it('fires once after the given silence when nothing is heard', () => {
    const onSilent = vi.fn();
    const watch = watchSilence(100, onSilent, clock);
    vi.advanceTimersByTime(99);
    expect(onSilent).not.toHaveBeenCalled();
    expect(watch.fired).toBe(false);
    vi.advanceTimersByTime(1);
    expect(onSilent).toHaveBeenCalledTimes(1);
    expect(watch.fired).toBe(true);
    vi.advanceTimersByTime(1_000);
    expect(onSilent).toHaveBeenCalledTimes(1);
  });

  it('waits the whole silence again after each thing heard', () => {
    const onSilent = vi.fn();
    const watch = watchSilence(100, onSilent, clock);
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(60);
      watch.heard();
    }
    expect(onSilent).not.toHaveBeenCalled();
    vi.advanceTimersByTime(99);
    expect(onSilent).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onSilent).toHaveBeenCalledTimes(1);
  });

  it('watches again when something is heard after it fired', () => {
    const onSilent = vi.fn();
    const watch = watchSilence(100, onSilent, clock);
    vi.advanceTimersByTime(100);
    watch.heard();
    vi.advanceTimersByTime(100);
    expect(onSilent).toHaveBeenCalledTimes(2);
    expect(watch.fired).toBe(true);
  });

  it('never fires once stopped, whatever is heard later', () => {
    const onSilent = vi.fn();
    const watch = watchSilence(100, onSilent, clock);
    vi.advanceTimersByTime(50);
    watch.stop();
    watch.heard();
    vi.advanceTimersByTime(1_000);
    expect(onSilent).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('measures silence with the default clock too', () => {
    const onSilent = vi.fn();
    const watch = watchSilence(100, onSilent);
    vi.advanceTimersByTime(70);
    watch.heard();
    vi.advanceTimersByTime(70);
    expect(onSilent).not.toHaveBeenCalled();
    vi.advanceTimersByTime(30);
    expect(onSilent).toHaveBeenCalledTimes(1);
  });
});
