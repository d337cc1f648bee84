import type { Usage } from '@classchat/contracts';
import { formatDate } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import type { ChatFailure } from './answerRules.js';
import { freeLimitMessage, PREMIUM_HOW } from './UsageMeter.js';

/** Above the composer once the month's free chats are used: when they reset, and how to get more. */
export function LimitNotice({ usage }: { usage: Usage }) {
  return (
    <div className="notice notice--warning" role="status" data-testid="limit-notice">
      <Icon name="alert" size={18} />
      <div className="notice__body">
        <p>
          {freeLimitMessage(usage.limit ?? 0)} Your chats reset on{' '}
          {formatDate(usage.resetsAt, { day: 'numeric', month: 'long' })}.
        </p>
        <p data-testid="premium-how">{PREMIUM_HOW}</p>
      </div>
    </div>
  );
}

/** Under the conversation when an answer failed, with Retry when trying again can help. */
export function FailureNotice({ failure, onRetry }: { failure: ChatFailure; onRetry: () => void }) {
  return (
    <div className="notice notice--error" role="alert" data-testid="stream-error">
      <Icon name="alert" size={18} />
      <p>{failure.message}</p>
      {failure.retryable && (
        <button type="button" className="btn btn-small btn-secondary" onClick={onRetry}>
          <Icon name="retry" size={16} /> Retry
        </button>
      )}
    </div>
  );
}
