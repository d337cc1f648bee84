import { describe, expect, it } from 'vitest';
import { findRunningLines, hasDotLeader, lineKey, runningLineHits } from './running-lines.js';

const pageOf = (page: number, top: string, body: string[], bottom: string) => ({
  page,
  lines: [top, ...body, bottom].map((text, i) => ({ text, y: 800 - i * 10 })),
});

describe('running header and footer ground truth', () => {
  it('masks digits (and lone roman numerals) in a band line key', () => {
    expect(lineKey('Chapter 4:  Files 13')).toBe('chapter #: files #');
    expect(lineKey('xii')).toBe('#');
  });

  it('finds headers that repeat within their chapter and page-number footers, not scattered content', () => {
    const pages = [
      ...[1, 2, 3, 4].map((n) => pageOf(n, `Chapter 1: Start ${n}`, [`text ${n}`], String(n))),
      ...[5, 6, 7].map((n) => pageOf(n, `Chapter 2: Next ${n}`, [`more ${n}`], String(n))),
      pageOf(8, 'Syntax:', ['x'], '8'),
      ...[9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19].map((n) => pageOf(n, `Appendix ${n}`, ['y'], String(n))),
      pageOf(20, 'Syntax:', ['z'], '20'),
      pageOf(30, 'Syntax:', ['z'], '30'),
    ];
    const running = findRunningLines(pages);
    expect(running.get(2)).toMatchObject({ texts: ['Chapter 1: Start'], numbers: ['2', '2'] });
    expect(running.get(6)?.texts).toEqual(['Chapter 2: Next']);
    // "Syntax:" opens 3 pages spread over 23: content, not a running line.
    expect(running.get(8)?.texts).toEqual([]);
    expect(running.get(8)?.body).toContain('Syntax:');
  });

  it('counts a header or page number in a text only when the page body does not hold it too', () => {
    const pages = [1, 2, 3].map((n) =>
      pageOf(n, `gnuplot 5.4 ${n + 10}`, [`see gnuplot 5.4 notes, item ${n}`], 'x'),
    );
    const running = findRunningLines(pages);
    expect(runningLineHits('gnuplot 5.4 12 see', [2], running)).toEqual([
      { kind: 'page_number', page: 2, line: '12' },
    ]);
    expect(runningLineHits('item 2 and 12.5 and 120', [2], running)).toEqual([]);
  });

  it('keeps a mid-page line that reads like the page-number line in the body', () => {
    // A worked example's result "4" mid-page, and the page's last line is another "4".
    const pages = [1, 2, 3, 4].map((n) =>
      pageOf(n, `Chapter 1: Start ${n}`, ['y(2);', '4', `more ${n}`], n === 4 ? '4' : `${n}`),
    );
    const running = findRunningLines(pages);
    expect(running.get(4)?.numbers).toContain('4');
    expect(running.get(4)?.body.split('\n')).toEqual(['y(2);', '4', 'more 4']);
    expect(runningLineHits('y(2); 4', [4], running)).toEqual([]);
  });

  it('recognises dot leaders but not an ellipsis', () => {
    expect(hasDotLeader('Introduction . . . . . 4')).toBe(true);
    expect(hasDotLeader('Intro........4')).toBe(true);
    expect(hasDotLeader('and so on...')).toBe(false);
  });
});
