import { MAX_MESSAGE_CHARS } from '@classchat/contracts';
import { useId, type KeyboardEvent, type RefObject } from 'react';
import { Icon } from '../ui/Icon.js';
import { useAutoGrow } from './useAutoGrow.js';

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

/**
 * Enter sends, Shift+Enter starts a new line; while an answer streams the button becomes Stop and the
 * hint says Escape stops it too (the chat page listens for it).
 */
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

  useAutoGrow(inputRef, value);

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
      <ComposerButton streaming={streaming} stopping={stopping} canSend={canSend} onStop={onStop} />
      <p id={hintId} className="composer__hint">
        {streaming ? 'Esc to stop the answer' : 'Enter to send · Shift+Enter for a new line'}
      </p>
    </form>
  );
}

/** Send, or while an answer streams, Stop (disabled once stopping). */
function ComposerButton({
  streaming,
  stopping,
  canSend,
  onStop,
}: {
  streaming: boolean;
  stopping: boolean;
  canSend: boolean;
  onStop: () => void;
}) {
  if (streaming) {
    return (
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
    );
  }
  return (
    <button
      type="submit"
      className="composer__btn"
      disabled={!canSend}
      aria-label="Send message"
      data-testid="send-button"
    >
      <Icon name="send" size={18} />
    </button>
  );
}
