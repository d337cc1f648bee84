import { describe, expect, it } from 'vitest';
import {
  clampPage,
  isRenderingCancelled,
  MAX_PAGE_WIDTH,
  pageScale,
  passageRanges,
  passageText,
  pdfOpenErrorMessage,
} from './pdfRules.js';
import type { TextItemLike } from './textLayerSpan.js';

const items: TextItemLike[] = [
  { str: 'Glycolysis', hasEOL: true },
  { str: 'The payoff phase makes', hasEOL: false },
  { str: ' four ATP.', hasEOL: true },
];
const shown = items.map((item) => item.str);

describe('pdfOpenErrorMessage', () => {
  it('says a password-protected PDF cannot be shown', () => {
    expect(pdfOpenErrorMessage({ name: 'PasswordException' })).toMatch(/password-protected/);
  });

  it('says any other failure may mean the file was deleted', () => {
    expect(pdfOpenErrorMessage(new Error('404'))).toMatch(/may have been deleted/);
    expect(pdfOpenErrorMessage(null)).toMatch(/may have been deleted/);
  });
});

describe('isRenderingCancelled', () => {
  it('recognises only the cancellation PDF.js throws when a newer page replaces the drawing', () => {
    expect(isRenderingCancelled({ name: 'RenderingCancelledException' })).toBe(true);
    expect(isRenderingCancelled(new Error('boom'))).toBe(false);
    expect(isRenderingCancelled(undefined)).toBe(false);
  });
});

describe('clampPage', () => {
  it('keeps the page within the document', () => {
    expect(clampPage(0, 3)).toBe(1);
    expect(clampPage(2, 3)).toBe(2);
    expect(clampPage(9, 3)).toBe(3);
  });
});

describe('pageScale', () => {
  it('fits the page to the frame width', () => {
    expect(pageScale(600, 600, 1)).toBe(1);
    expect(pageScale(600, 300, 1)).toBe(0.5);
  });

  it('never fits wider than the page width cap, but zoom enlarges beyond it', () => {
    expect(pageScale(440, 2000, 1)).toBe(MAX_PAGE_WIDTH / 440);
    expect(pageScale(440, 2000, 2)).toBe((MAX_PAGE_WIDTH / 440) * 2);
  });

  it('stays between a legible minimum and a canvas-sized maximum', () => {
    expect(pageScale(1000, 100, 1)).toBe(0.3);
    expect(pageScale(100, 880, 4)).toBe(6);
  });
});

describe('passageRanges and passageText', () => {
  it('marks exactly the span of the raw page text when given, and quotes it as stored', () => {
    const start = 'Glycolysis\n'.length + 'The '.length;
    const span = { start, end: start + 'payoff phase makes four'.length };
    const ranges = passageRanges(items, shown, span, {});
    expect(ranges.map((r) => items[r.piece]!.str.slice(r.start, r.end))).toEqual([
      'payoff phase makes',
      ' four',
    ]);
    expect(passageText(items, ranges, span)).toBe('payoff phase makes four');
  });

  it('finds an older citation by its snippet and quotes the pieces joined by spaces', () => {
    const ranges = passageRanges(items, shown, null, { snippet: 'payoff phase makes four ATP.' });
    expect(ranges.length).toBeGreaterThan(0);
    expect(passageText(items, ranges, null)).toBe('payoff phase makes  four ATP.');
  });
});
