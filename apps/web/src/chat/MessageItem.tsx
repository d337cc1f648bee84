import type { MessageDto } from '@classchat/contracts';
import { useEffect, useState } from 'react';
import { Icon } from '../ui/Icon.js';
import { AnswerActionBar, type AnswerProps } from './AnswerActionBar.js';
import { AnswerLabels } from './AnswerLabels.js';
import { Markdown } from './Markdown.js';
import { isUncovered } from './messageModel.js';
import { closeOpenMarkdown } from './partialMarkdown.js';
import { SourcesList } from './SourcesList.js';
import { studyOf, StudyView } from './StudyView.js';

/** One message of the conversation: the student's question, or an answer with its sources and actions. */
export function MessageItem(props: AnswerProps) {
  const { message } = props;
  if (message.role === 'user') {
    return (
      <li className="msg msg--user" data-testid="message-user" data-message-id={message.id}>
        <div className="msg__bubble">{message.content}</div>
      </li>
    );
  }
  return (
    <li
      className={`msg msg--assistant${isUncovered(message.coverage) ? ' msg--uncovered' : ''}`}
      data-testid="message-assistant"
      data-message-id={message.id}
      data-status={message.status}
      data-coverage={message.coverage}
    >
      <div className="msg__avatar" aria-hidden="true">
        <Icon name="chat" size={16} />
      </div>
      <div className="msg__body">
        <AnswerLabels message={message} />
        <AnswerContent message={message} />
        <SourcesList
          citations={message.citations}
          title={message.coverage === 'not_covered' ? 'Closest sections in your material' : 'Sources'}
        />
        <AnswerActionBar {...props} />
      </div>
    </li>
  );
}

/** The answer's text; a quiz or study guide as its lead line above the interactive view. */
function AnswerContent({ message }: { message: MessageDto }) {
  const study = studyOf(message);
  if (!study) return <Markdown content={message.content} citations={message.citations} />;
  return (
    <>
      <Markdown content={leadOf(message.content)} citations={message.citations} />
      <StudyView study={study} citations={message.citations} />
    </>
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
          <Markdown content={closeOpenMarkdown(text)} citations={NO_CITATIONS} />
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
