import { describe, expect, it } from 'vitest';
import { scrollToShow } from './chipScroll.js';

const view = { start: 0, size: 358 };

describe('scrollToShow', () => {
  it('leaves the row where it is when the selected chip is whole on screen', () => {
    expect(scrollToShow({ start: 120, size: 100 }, view)).toBe(0);
    expect(scrollToShow({ start: 300, size: 100 }, { start: 100, size: 358 })).toBe(100);
  });

  it('scrolls a chip cut off at the end into view, with a little of the next one showing', () => {
    // "Modern European History" past the right edge of a phone's row.
    expect(scrollToShow({ start: 300, size: 200 }, view, 24)).toBe(300 + 200 + 24 - 358);
  });

  it('scrolls back to a chip cut off at the start, with a little of the one before showing', () => {
    expect(scrollToShow({ start: 40, size: 120 }, { start: 100, size: 358 }, 24)).toBe(16);
    expect(scrollToShow({ start: 10, size: 120 }, { start: 100, size: 358 }, 24)).toBe(0);
  });

  it('shows the start of a chip wider than the row', () => {
    expect(scrollToShow({ start: 500, size: 400 }, view, 24)).toBe(476);
  });
});
