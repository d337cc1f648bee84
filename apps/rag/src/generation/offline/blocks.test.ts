import { describe, expect, it } from 'vitest';
import { blocksOf } from './blocks.js';

describe('reading a passage into blocks', () => {
  it('keeps a console session whole across a line without words (a formula printed as ASCII art)', () => {
    const text = [
      'You can request this output by hand, using the tex(expression) command.',
      '',
      '(C5) A1:integrate(2*x+x^3+3*x^2,x);',
      '                                 x 3 2',
      '(D5) -- + x + x',
      '(C7) tex(A1);',
      '',
      'This is useful if you are writing a paper.',
    ].join('\n');
    const blocks = blocksOf(text, 'text');
    expect(blocks.map((b) => b.kind)).toEqual(['prose', 'code', 'prose']);
    expect(blocks[1]!.text).toContain('x 3 2');
    expect(blocks[1]!.text).toContain('(C7) tex(A1);');
  });

  it('keeps in the session a line that would read as a numbered heading ("6 x y")', () => {
    const text = [
      '(C1) 2*y*3*x/(4*x+y+3/4);',
      '                 6 x y',
      '(D1) -----------',
      '(C2) DISPLAY2D:FALSE;',
    ].join('\n');
    expect(blocksOf(text, 'text').map((b) => b.kind)).toEqual(['code']);
  });

  it('leaves a line of words between two code lines as prose', () => {
    const text = ['(C1) x:1;', 'then the next input', '(C2) y:2;'].join('\n');
    expect(blocksOf(text, 'text').map((b) => b.kind)).toEqual(['code', 'prose', 'code']);
  });
});
