import { describe, expect, it } from 'vitest';
import { paramsForPage, parseViewerTarget, spanHref } from './viewerUrl.js';

const parse = (search: string) => parseViewerTarget(new URLSearchParams(search));

describe('parseViewerTarget', () => {
  it('reads the cited span of a page from the address', () => {
    expect(parse('page=17&start=1234&end=1310')).toEqual({
      page: 17,
      span: { page: 17, start: 1234, end: 1310 },
      chunkId: null,
    });
  });

  it('still opens links saved before spans at their page, with their chunk and no span', () => {
    expect(parse('page=3&chunk=66666666-6666-4666-8666-666666666666')).toEqual({
      page: 3,
      span: null,
      chunkId: '66666666-6666-4666-8666-666666666666',
    });
  });

  it('ignores a span that is empty, reversed, partial or not made of numbers', () => {
    for (const search of [
      'page=2&start=10&end=10',
      'page=2&start=10&end=4',
      'page=2&start=10',
      'page=2&start=-1&end=5',
      'page=2&start=1e3&end=2e3',
      'page=2&start=abc&end=5',
      'page=2&start=1&end=99999999999999',
    ]) {
      expect(parse(search).span, search).toBeNull();
      expect(parse(search).page).toBe(2);
    }
  });

  it('opens page 1 when the page is missing or not a page number', () => {
    expect(parse('').page).toBe(1);
    expect(parse('page=0').page).toBe(1);
    expect(parse('page=x').page).toBe(1);
    expect(parse('start=5&end=9')).toMatchObject({ page: 1, span: { page: 1, start: 5, end: 9 } });
  });
});

describe('paramsForPage', () => {
  const cited = { page: 17, start: 1234, end: 1310 };

  it('keeps the span in the address only on its own page', () => {
    const on17 = new URLSearchParams('page=17&start=1234&end=1310');
    const on18 = paramsForPage(on17, 18, cited);
    expect(on18.toString()).toBe('page=18');
    expect(paramsForPage(on18, 17, cited).toString()).toBe('page=17&start=1234&end=1310');
  });

  it('leaves other parameters and span-less addresses alone', () => {
    expect(paramsForPage(new URLSearchParams('page=3&chunk=c'), 4, null).toString()).toBe('page=4&chunk=c');
  });
});

describe('spanHref', () => {
  it('is the address a citation of that span opens', () => {
    const href = spanHref('d-1', { page: 17, start: 1234, end: 1310 });
    expect(href).toBe('/documents/d-1?page=17&start=1234&end=1310');
    expect(parse(href.split('?')[1]!).span).toEqual({ page: 17, start: 1234, end: 1310 });
  });
});
