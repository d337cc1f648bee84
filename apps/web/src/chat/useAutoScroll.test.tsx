import { act, render } from '@testing-library/react';
import { useRef } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useAutoScroll } from './useAutoScroll.js';

/** jsdom lays nothing out: the test says how tall the content is and when the area resizes. */
let resized: (() => void) | null = null;
class FakeResizeObserver {
  constructor(private readonly callback: () => void) {}
  observe() {
    resized = this.callback;
  }
  disconnect() {
    resized = null;
  }
}

function Scroller() {
  const ref = useRef<HTMLDivElement>(null);
  useAutoScroll(ref, 'content');
  return <div data-testid="scroller" ref={ref} />;
}

describe('useAutoScroll', () => {
  beforeEach(() => {
    vi.stubGlobal('ResizeObserver', FakeResizeObserver);
    vi.spyOn(HTMLElement.prototype, 'scrollHeight', 'get').mockReturnValue(1000);
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(400);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('keeps the newest lines in view when room is made under the conversation (a toast shows)', () => {
    const { getByTestId } = render(<Scroller />);
    const el = getByTestId('scroller');
    expect(el.scrollTop).toBe(1000);
    // The browser clamps scrollTop to the new, smaller area's range; a pinned area scrolls down again.
    el.scrollTop = 600;
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(300);
    act(() => resized?.());
    expect(el.scrollTop).toBe(1000);
  });

  it('leaves a conversation the student scrolled up in where it is when the area shrinks', () => {
    const { getByTestId } = render(<Scroller />);
    const el = getByTestId('scroller');
    el.scrollTop = 100;
    act(() => void el.dispatchEvent(new Event('scroll')));
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(300);
    act(() => resized?.());
    expect(el.scrollTop).toBe(100);
  });
});
