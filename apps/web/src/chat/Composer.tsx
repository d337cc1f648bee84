import { MAX_MESSAGE_CHARS } from '@classchat/contracts';
import { useId, useLayoutEffect, type KeyboardEvent, type RefObject } from 'react';
import { Icon } from '../ui/Icon.js';

export interface ComposerProps {
  value: string;
  onChange: (value: string) => void;
  onSend: (text: string) => void;
  onStop: () => void;
  streaming: boolean;
  stopping?: boolean;
  disabled?: boolean;
  disabledReason?: string;
  placeholder?: string;
  inputRef: RefObject<HTMLTextAreaElement>;
}

/** Enter sends, Shift+Enter starts a new line; while an answer streams the button becomes Stop. */
export function Composer({
  value,
  onChange,
  onSend,
  onStop,
  streaming,
  stopping = false,
  disabled = false,
  disabledReason,
  placeholder = 'Ask about your course material…',
  inputRef,
}: ComposerProps) {
  const hintId = useId();
  const canSend = !streaming && !disabled && value.trim().length > 0;

  useLayoutEffect(() => {
    const el = inputRef.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 220)}px`;
  }, [value, inputRef]);

  function send() {
    if (!canSend) return;
    onSend(value.trim());
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  }

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label className="visually-hidden" htmlFor={`${hintId}-input`}>
        Message
      </label>
      <textarea
        id={`${hintId}-input`}
        ref={inputRef}
        className="composer__input"
        rows={1}
        value={value}
        maxLength={MAX_MESSAGE_CHARS}
        placeholder={disabled && disabledReason ? disabledReason : placeholder}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby={hintId}
        data-testid="composer-input"
      />
      {streaming ? (
        <button
          type="button"
          className="composer__btn composer__btn--stop"
          onClick={onStop}
          disabled={stopping}
          data-testid="stop-button"
        >
          <Icon name="stop" size={16} />
          <span>{stopping ? 'Stopping…' : 'Stop'}</span>
        </button>
      ) : (
        <button
          type="submit"
          className="composer__btn"
          disabled={!canSend}
          aria-label="Send message"
          data-testid="send-button"
        >
          <Icon name="send" size={18} />
        </button>
      )}
      <p id={hintId} className="composer__hint">
        Enter to send · Shift+Enter for a new line
      </p>
    </form>
  );
}
