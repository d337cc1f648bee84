import { render } from '@testing-library/react';
import { useRef } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useAutoGrow } from './useAutoGrow.js';

function Field({ value }: { value: string }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  useAutoGrow(ref, value);
  return <textarea ref={ref} value={value} readOnly rows={1} placeholder="Ask about your course material…" />;
}

describe('useAutoGrow', () => {
  afterEach(() => vi.restoreAllMocks());

  it('grows with the text, up to its limit', () => {
    vi.spyOn(HTMLElement.prototype, 'scrollHeight', 'get').mockReturnValue(64);
    const { container, rerender } = render(<Field value={'two\nlines'} />);
    expect(container.querySelector('textarea')!.style.height).toBe('64px');
    vi.spyOn(HTMLElement.prototype, 'scrollHeight', 'get').mockReturnValue(900);
    rerender(<Field value={'many\nlines'} />);
    expect(container.querySelector('textarea')!.style.height).toBe('220px');
  });

  it('keeps an empty composer one row tall even when its wrapped placeholder is taller', () => {
    // Chrome counts a wrapped placeholder in an empty textarea's scrollHeight.
    vi.spyOn(HTMLElement.prototype, 'scrollHeight', 'get').mockReturnValue(64);
    const { container } = render(<Field value="" />);
    expect(container.querySelector('textarea')!.style.height).toBe('');
  });
});
