import type { MessageDto, Reaction } from '@classchat/contracts';
import { Icon, type IconName } from '../ui/Icon.js';

export interface AnswerActions {
  onReact: (message: MessageDto, reaction: Reaction | null) => void;
  onVersion: (message: MessageDto, index: number) => void;
  onRetry: () => void;
}

/** An answer in the conversation, and what the student may do with it. */
export interface AnswerProps {
  message: MessageDto;
  /** Only the latest answer offers Retry. */
  isLastAnswer: boolean;
  /** False while another answer is being written: no retry, no change of version. */
  canRetry: boolean;
  actions: AnswerActions;
}

const REACTION_BUTTONS: { reaction: Reaction; label: string; icon: IconName; testId: string }[] = [
  { reaction: 'like', label: 'Helpful', icon: 'thumbUp', testId: 'like-button' },
  { reaction: 'dislike', label: 'Not helpful', icon: 'thumbDown', testId: 'dislike-button' },
];

/**
 * Under an answer: helpful / not helpful (pressing the pressed one takes it back), Retry on the
 * latest answer, and a pager through its versions once it has several.
 */
export function AnswerActionBar({ message, isLastAnswer, canRetry, actions }: AnswerProps) {
  return (
    <div className="msg__actions" role="group" aria-label="Answer actions">
      {REACTION_BUTTONS.map(({ reaction, label, icon, testId }) => {
        const pressed = message.reaction === reaction;
        return (
          <button
            key={reaction}
            type="button"
            className={`icon-btn icon-btn--small${pressed ? ' is-active' : ''}`}
            aria-label={label}
            aria-pressed={pressed}
            onClick={() => actions.onReact(message, pressed ? null : reaction)}
            data-testid={testId}
          >
            <Icon name={icon} size={16} />
          </button>
        );
      })}
      {isLastAnswer && (
        <button
          type="button"
          className="btn btn-small btn-ghost"
          onClick={actions.onRetry}
          disabled={!canRetry}
          data-testid="retry-button"
        >
          <Icon name="retry" size={16} /> Retry
        </button>
      )}
      {message.versions.length > 1 && (
        <VersionPager message={message} canChange={canRetry} onVersion={actions.onVersion} />
      )}
    </div>
  );
}

/** Previous / "n/m" / next through an answer's versions; not while another answer is being written. */
function VersionPager({
  message,
  canChange,
  onVersion,
}: {
  message: MessageDto;
  canChange: boolean;
  onVersion: AnswerActions['onVersion'];
}) {
  const versions = message.versions.length;
  return (
    <div className="pager" role="group" aria-label="Answer versions" data-testid="version-pager">
      <button
        type="button"
        className="icon-btn icon-btn--small"
        aria-label="Previous version"
        disabled={message.currentVersion <= 0 || !canChange}
        onClick={() => onVersion(message, message.currentVersion - 1)}
      >
        <Icon name="chevronLeft" size={16} />
      </button>
      <span className="pager__label" aria-live="polite" data-testid="version-label">
        <span className="visually-hidden">Version </span>
        {message.currentVersion + 1}/{versions}
      </span>
      <button
        type="button"
        className="icon-btn icon-btn--small"
        aria-label="Next version"
        disabled={message.currentVersion >= versions - 1 || !canChange}
        onClick={() => onVersion(message, message.currentVersion + 1)}
      >
        <Icon name="chevronRight" size={16} />
      </button>
    </div>
  );
}
