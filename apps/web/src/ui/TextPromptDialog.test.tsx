import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/http.js';
import { TextPromptDialog } from './TextPromptDialog.js';

function renderPrompt(onSubmit: (value: string) => Promise<void> | void, onClose = vi.fn()) {
  render(
    <TextPromptDialog
      title="Rename class"
      label="Class name"
      initialValue="Biology"
      submitLabel="Rename"
      onSubmit={onSubmit}
      onClose={onClose}
    />,
  );
  return { input: screen.getByRole('textbox', { name: 'Class name' }), onClose };
}

describe('TextPromptDialog', () => {
  it('saves the trimmed value and closes', async () => {
    const onSubmit = vi.fn();
    const { input, onClose } = renderPrompt(onSubmit);
    await userEvent.clear(input);
    await userEvent.type(input, '  Chemistry  {Enter}');
    expect(onSubmit).toHaveBeenCalledWith('Chemistry');
    expect(onClose).toHaveBeenCalled();
  });

  it('says an empty value cannot be saved and keeps the field focused', async () => {
    const onSubmit = vi.fn();
    const { input, onClose } = renderPrompt(onSubmit);
    await userEvent.clear(input);
    await userEvent.click(screen.getByRole('button', { name: 'Rename' }));
    expect(screen.getByRole('alert').textContent).toContain('Class name cannot be empty');
    expect(document.activeElement).toBe(input);
    expect(onSubmit).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
  });

  it('shows why a save was refused, stays open and usable, and clears the reason on typing', async () => {
    const refusal = new ApiError(400, 'invalid_input', 'Invalid request', [
      { path: 'name', message: 'A class with this name already exists' },
    ]);
    const onSubmit = vi.fn().mockRejectedValueOnce(refusal);
    const { input, onClose } = renderPrompt(onSubmit);
    await userEvent.type(input, '{Enter}');
    expect(screen.getByRole('alert').textContent).toContain('A class with this name already exists');
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Rename' })).toHaveProperty('disabled', false);
    expect(document.activeElement).toBe(input);
    await userEvent.type(input, 'x');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
