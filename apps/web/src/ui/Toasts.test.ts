import { describe, expect, it } from 'vitest';
import { toastDuration } from './Toasts.js';

describe('toastDuration', () => {
  it('keeps news a few seconds and an error longer', () => {
    expect(toastDuration({ message: 'Saved', tone: 'success' })).toBe(4500);
    expect(toastDuration({ message: 'Saved' })).toBe(4500);
    expect(toastDuration({ message: 'Failed', tone: 'error' })).toBe(8000);
  });

  it('keeps a toast with an action until it is used or dismissed', () => {
    expect(
      toastDuration({ message: 'Failed', tone: 'error', action: { label: 'Retry', onClick: () => {} } }),
    ).toBe(0);
  });

  it('uses the duration asked for, even with an action', () => {
    expect(
      toastDuration({ message: 'Undo?', duration: 6000, action: { label: 'Undo', onClick: () => {} } }),
    ).toBe(6000);
  });
});
