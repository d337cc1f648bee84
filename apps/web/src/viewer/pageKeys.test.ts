import { describe, expect, it } from 'vitest';
import { pageStepForKey } from './pageKeys.js';

function element(html: string, selector: string): Element {
  const root = document.createElement('div');
  root.innerHTML = html;
  return root.querySelector(selector)!;
}

describe('pageStepForKey', () => {
  it('turns a page forward on → and back on ←', () => {
    const page = element('<main><section>text</section></main>', 'section');
    expect(pageStepForKey('ArrowRight', page)).toBe(1);
    expect(pageStepForKey('ArrowLeft', page)).toBe(-1);
  });

  it('ignores other keys', () => {
    expect(pageStepForKey('ArrowDown', element('<p>x</p>', 'p'))).toBe(0);
    expect(pageStepForKey('Enter', element('<p>x</p>', 'p'))).toBe(0);
  });

  it('leaves the arrows to form controls and to the contents list', () => {
    expect(pageStepForKey('ArrowRight', element('<input />', 'input'))).toBe(0);
    expect(pageStepForKey('ArrowLeft', element('<textarea></textarea>', 'textarea'))).toBe(0);
    expect(pageStepForKey('ArrowRight', element('<nav class="toc"><a href="#">1</a></nav>', 'a'))).toBe(0);
  });
});
