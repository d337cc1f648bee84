import type { MessageDto, Reaction } from '@classchat/contracts';
import { useEffect, useState } from 'react';
import { Icon } from '../ui/Icon.js';
import { Markdown } from './Markdown.js';
import { isUncovered } from './messageModel.js';
import { SourcesList } from './SourcesList.js';
import { studyOf, StudyView } from './StudyView.js';

export interface AnswerActions {
  onReact: (message: MessageDto, reaction: Reaction | null) => void;
  onVersion: (message: MessageDto, index: number) => void;
  onRetry: () => void;
}

const ROUTE_LABELS: Record<string, string> = {
  quote_finding: 'Quotes',
  generate_study_guide: 'Study guide',
  summary: 'Summary',
  quiz: 'Quiz',
};

export function MessageItem({
  message,
  isLastAnswer,
  canRetry,
  actions,
}: {
  message: MessageDto;
  isLastAnswer: boolean;
  canRetry: boolean;
  actions: AnswerActions;
}) {
  if (message.role === 'user') {
    return (
      <li className="msg msg--user" data-testid="message-user" data-message-id={message.id}>
        <div className="msg__bubble">{message.content}</div>
      </li>
    );
  }
  const versions = message.versions.length;
  const study = studyOf(message);
  const routeLabel = message.route ? ROUTE_LABELS[message.route] : undefined;
  const uncovered = isUncovered(message.coverage);
  return (
    <li
      className={`msg msg--assistant${uncovered ? ' msg--uncovered' : ''}`}
      data-testid="message-assistant"
      data-message-id={message.id}
      data-status={message.status}
      data-coverage={message.coverage}
    >
      <div className="msg__avatar" aria-hidden="true">
        <Icon name="chat" size={16} />
      </div>
      <div className="msg__body">
        {(routeLabel || message.status === 'stopped' || uncovered) && (
          <div className="msg__labels">
            {routeLabel && <span className="chip chip--muted">{routeLabel}</span>}
            {message.status === 'stopped' && (
              <span className="chip chip--warning" data-testid="stopped-label">
                stopped
              </span>
            )}
            {uncovered && (
              <span className="chip chip--muted" data-testid="coverage-label">
                {message.coverage === 'no_material' ? 'No material to answer from' : 'Not in your material'} ·
                free
              </span>
            )}
          </div>
        )}
        {study ? (
          <>
            <Markdown content={leadOf(message.content)} citations={message.citations} />
            <StudyView study={study} citations={message.citations} />
          </>
        ) : (
          <Markdown content={message.content} citations={message.citations} />
        )}
        <SourcesList
          citations={message.citations}
          title={message.coverage === 'not_covered' ? 'Closest sections in your material' : 'Sources'}
        />
        <div className="msg__actions" role="group" aria-label="Answer actions">
          <button
            type="button"
            className={`icon-btn icon-btn--small${message.reaction === 'like' ? ' is-active' : ''}`}
            aria-label="Helpful"
            aria-pressed={message.reaction === 'like'}
            onClick={() => actions.onReact(message, message.reaction === 'like' ? null : 'like')}
            data-testid="like-button"
          >
            <Icon name="thumbUp" size={16} />
          </button>
          <button
            type="button"
            className={`icon-btn icon-btn--small${message.reaction === 'dislike' ? ' is-active' : ''}`}
            aria-label="Not helpful"
            aria-pressed={message.reaction === 'dislike'}
            onClick={() => actions.onReact(message, message.reaction === 'dislike' ? null : 'dislike')}
            data-testid="dislike-button"
          >
            <Icon name="thumbDown" size={16} />
          </button>
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
          {versions > 1 && (
            <div className="pager" role="group" aria-label="Answer versions" data-testid="version-pager">
              <button
                type="button"
                className="icon-btn icon-btn--small"
                aria-label="Previous version"
                disabled={message.currentVersion <= 0 || !canRetry}
                onClick={() => actions.onVersion(message, message.currentVersion - 1)}
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
                disabled={message.currentVersion >= versions - 1 || !canRetry}
                onClick={() => actions.onVersion(message, message.currentVersion + 1)}
              >
                <Icon name="chevronRight" size={16} />
              </button>
            </div>
          )}
        </div>
      </div>
    </li>
  );
}

/** The answer being written: typing dots until the first token, then the live text. */
export function StreamingMessage({ text, stopping }: { text: string; stopping: boolean }) {
  const waiting = text.length === 0;
  const slow = useSlowWait(waiting);
  return (
    <li className="msg msg--assistant msg--streaming" data-testid="message-streaming">
      <div className="msg__avatar" aria-hidden="true">
        <Icon name="chat" size={16} />
      </div>
      <div className="msg__body" aria-live="polite" aria-busy={!stopping} data-testid="streaming-answer">
        {waiting ? (
          <div className="typing" data-testid="typing-indicator">
            <span className="visually-hidden">{stopping ? 'Stopping…' : 'Assistant is writing'}</span>
            <span className="typing__dot" />
            <span className="typing__dot" />
            <span className="typing__dot" />
            {slow && !stopping && <span className="typing__note">Reading your material…</span>}
          </div>
        ) : (
          <Markdown content={text} citations={NO_CITATIONS} />
        )}
      </div>
    </li>
  );
}

const NO_CITATIONS: never[] = [];

/** True once `waiting` has lasted a few seconds (a cold start or a long retrieval). */
function useSlowWait(waiting: boolean, afterMs = 3000): boolean {
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    setSlow(false);
    if (!waiting) return;
    const timer = setTimeout(() => setSlow(true), afterMs);
    return () => clearTimeout(timer);
  }, [waiting, afterMs]);
  return slow;
}

/**
 * The first paragraph of an answer: the lead line above a quiz or study guide (the rest of the
 * Markdown says the same as the interactive view, for clients without one).
 */
function leadOf(content: string): string {
  return (content.split(/\n\s*\n/)[0] ?? '').replace(/\s*The answers are at the end\.(_?)$/, '$1');
}
