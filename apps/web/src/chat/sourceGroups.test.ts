import { describe, expect, it } from 'vitest';
import { markerLabel } from './sourceGroups.js';

describe('markerLabel', () => {
  it('writes runs of markers as ranges, pairs and single numbers', () => {
    expect(markerLabel([1])).toBe('1');
    expect(markerLabel([1, 2])).toBe('1, 2');
    expect(markerLabel([1, 2, 3, 4, 7, 9, 10, 11])).toBe('1–4, 7, 9–11');
  });
});
