import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useRef, useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { Composer } from './Composer.js';

function Harness({
  onSend,
  streaming = false,
  onStop = () => {},
}: {
  onSend: (t: string) => void;
  streaming?: boolean;
  onStop?: () => void;
}) {
  const [value, setValue] = useState('');
  const ref = useRef<HTMLTextAreaElement>(null);
  return (
    <Composer
      value={value}
      onChange={setValue}
      onSend={(t) => {
        onSend(t);
        setValue('');
      }}
      onStop={onStop}
      streaming={streaming}
      inputRef={ref}
    />
  );
}

describe('Composer', () => {
  it('sends on Enter', async () => {
    const onSend = vi.fn();
    render(<Harness onSend={onSend} />);
    const input = screen.getByRole('textbox', { name: 'Message' });
    await userEvent.type(input, 'What is an eigenvalue?{Enter}');
    expect(onSend).toHaveBeenCalledWith('What is an eigenvalue?');
    expect((input as HTMLTextAreaElement).value).toBe('');
  });

  it('starts a new line on Shift+Enter instead of sending', async () => {
    const onSend = vi.fn();
    render(<Harness onSend={onSend} />);
    const input = screen.getByRole('textbox', { name: 'Message' });
    await userEvent.type(input, 'line one{Shift>}{Enter}{/Shift}line two');
    expect(onSend).not.toHaveBeenCalled();
    expect((input as HTMLTextAreaElement).value).toBe('line one\nline two');
    await userEvent.type(input, '{Enter}');
    expect(onSend).toHaveBeenCalledWith('line one\nline two');
  });

  it('does not send blank messages', async () => {
    const onSend = vi.fn();
    render(<Harness onSend={onSend} />);
    await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), '   {Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Send message' })).toHaveProperty('disabled', true);
  });

  it('shows Stop instead of Send while an answer streams, and Enter does not send', async () => {
    const onSend = vi.fn();
    const onStop = vi.fn();
    render(<Harness onSend={onSend} onStop={onStop} streaming />);
    await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), 'next question{Enter}');
    expect(onSend).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(onStop).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('button', { name: 'Send message' })).toBeNull();
  });
});
