import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { StreamingMessage } from './MessageItem.js';
import { closeOpenMarkdown } from './partialMarkdown.js';

describe('closeOpenMarkdown', () => {
  it('closes emphasis, bold and inline code that the answer has opened so far', () => {
    expect(closeOpenMarkdown('_Offline answer (no language')).toBe('_Offline answer (no language_');
    expect(closeOpenMarkdown('See **Section 12')).toBe('See **Section 12**');
    expect(closeOpenMarkdown('The file `ftp-upload')).toBe('The file `ftp-upload`');
  });

  it('leaves a link or a citation marker that is still arriving as written', () => {
    expect(closeOpenMarkdown('See [the manual](https://www.gnu.org/prep/')).toBe(
      'See [the manual](https://www.gnu.org/prep/',
    );
    expect(closeOpenMarkdown('carry electrons onward [1')).toBe('carry electrons onward [1');
  });

  it('leaves complete Markdown, citation markers and snake_case words as they are', () => {
    const whole = '_Offline answer._\n\n> “Uploads are processed every five minutes.” 【1】 See `make dist`.';
    expect(closeOpenMarkdown(whole)).toBe(whole);
    expect(closeOpenMarkdown('foo_bar_baz and snake_case')).toBe('foo_bar_baz and snake_case');
  });
});

function shownWhileStreaming(text: string): string {
  const { unmount } = render(<StreamingMessage text={text} stopping={false} />);
  const shown = screen.getByTestId('streaming-answer').textContent ?? '';
  unmount();
  return shown;
}

describe('StreamingMessage', () => {
  it('shows a half-written italic line as italic text, without the opening underscore', () => {
    render(<StreamingMessage text="_Offline answer (no language" stopping={false} />);
    const answer = screen.getByTestId('streaming-answer');
    expect(answer.textContent).toBe('Offline answer (no language');
    expect(answer.querySelector('em')?.textContent).toBe('Offline answer (no language');
  });

  // Links and list items cannot grow this way (their syntax is read differently once complete), with or
  // without this; the answer below has neither.
  it('only ever adds to the text shown as an answer with emphasis, bold, code and markers arrives', () => {
    const answer =
      '_Offline answer: quoted._ The **Krebs cycle** makes `NADH` and FADH2, see https://ex.org/a ' +
      'and my_var, onward [1]. Then **NAD+** again【2】.';
    const pieces = answer.match(/\s*\S+/g) ?? [];
    let text = '';
    let shown = '';
    for (const piece of pieces) {
      text += piece;
      const next = shownWhileStreaming(text);
      expect(next.startsWith(shown), `${JSON.stringify(shown)} → ${JSON.stringify(next)}`).toBe(true);
      shown = next;
    }
  });
});
