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

  it('shows a link whose address is still arriving as its text', () => {
    expect(closeOpenMarkdown('See [the manual](https://www.gnu.org/prep/')).toBe('See the manual');
  });

  it('leaves complete Markdown, citation markers and snake_case words as they are', () => {
    const whole = '_Offline answer._\n\n> “Uploads are processed every five minutes.” 【1】 See `make dist`.';
    expect(closeOpenMarkdown(whole)).toBe(whole);
    expect(closeOpenMarkdown('foo_bar_baz and snake_case')).toBe('foo_bar_baz and snake_case');
  });
});

describe('StreamingMessage', () => {
  it('shows a half-written italic line as italic text, without the opening underscore', () => {
    render(<StreamingMessage text="_Offline answer (no language" stopping={false} />);
    const answer = screen.getByTestId('streaming-answer');
    expect(answer.textContent).toBe('Offline answer (no language');
    expect(answer.querySelector('em')?.textContent).toBe('Offline answer (no language');
  });
});
