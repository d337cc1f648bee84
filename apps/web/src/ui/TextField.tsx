import { useId, type InputHTMLAttributes, type RefObject } from 'react';

type InputProps = Pick<
  InputHTMLAttributes<HTMLInputElement>,
  'type' | 'autoComplete' | 'maxLength' | 'placeholder' | 'onFocus'
>;

/**
 * A labelled text input with its hint, or in its place the error, tied to it for screen readers.
 * `testId` names the input and (with `-error`) its error; `alertError` announces the error as it
 * appears, for forms that stay where they are when it does.
 */
export function TextField({
  label,
  value,
  onChange,
  error,
  hint,
  inputRef,
  testId,
  alertError = false,
  ...input
}: InputProps & {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | null;
  hint?: string;
  inputRef: RefObject<HTMLInputElement>;
  testId?: string;
  alertError?: boolean;
}) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <input
        ref={inputRef}
        id={id}
        className="input"
        {...input}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        data-testid={testId}
      />
      {hint && !error && (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p
          id={`${id}-error`}
          className="field__error"
          role={alertError ? 'alert' : undefined}
          data-testid={testId ? `${testId}-error` : undefined}
        >
          {error}
        </p>
      )}
    </div>
  );
}
