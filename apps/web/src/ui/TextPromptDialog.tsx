import { useRef, useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../api/http.js';
import { Dialog } from './Dialog.js';
import { TextField } from './TextField.js';

export interface TextPromptDialogProps {
  title: string;
  label: string;
  initialValue?: string;
  submitLabel: string;
  maxLength?: number;
  placeholder?: string;
  /** Return an error message to show, or null when the value is fine. */
  validate?: (value: string) => string | null;
  onSubmit: (value: string) => Promise<void> | void;
  onClose: () => void;
  testId?: string;
}

type TextPromptRules = Pick<
  TextPromptDialogProps,
  'label' | 'initialValue' | 'validate' | 'onSubmit' | 'onClose'
>;

/**
 * The field's value and its submission: a problem (the rule's, or an empty value) or a failed save is
 * shown under the field, which gets the focus back; a save that works closes the dialog.
 */
function useTextPrompt({ label, initialValue = '', validate, onSubmit, onClose }: TextPromptRules) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState(initialValue);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function change(next: string) {
    setValue(next);
    setError(null);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const trimmed = value.trim();
    const problem = validate?.(trimmed) ?? (trimmed ? null : `${label} cannot be empty`);
    if (problem) {
      setError(problem);
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      await onSubmit(trimmed);
      onClose();
    } catch (err) {
      setError(ApiError.is(err) && err.issues[0] ? err.issues[0].message : errorMessage(err));
      setBusy(false);
      inputRef.current?.focus();
    }
  }

  return { inputRef, value, change, error, busy, submit };
}

/** A one-field form in a dialog (create class, rename class, rename chat). */
export function TextPromptDialog(props: TextPromptDialogProps) {
  const { title, label, submitLabel, maxLength, placeholder, onClose, testId } = props;
  const { inputRef, value, change, error, busy, submit } = useTextPrompt(props);

  return (
    <Dialog title={title} onClose={onClose} initialFocus={inputRef} testId={testId}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label={label}
          inputRef={inputRef}
          value={value}
          maxLength={maxLength}
          placeholder={placeholder}
          onChange={change}
          error={error}
          alertError
          onFocus={(e) => e.currentTarget.select()}
        />
        <div className="dialog__footer dialog__footer--flush">
          <button type="button" className="btn btn-secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
