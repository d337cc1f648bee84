import type { MessageDto } from '@classchat/contracts';
import { isUncovered } from './messageModel.js';

const ROUTE_LABELS: Record<string, string> = {
  quote_finding: 'Quotes',
  generate_study_guide: 'Study guide',
  summary: 'Summary',
  quiz: 'Quiz',
};

/** Chips above an answer: what kind of answer it is, that it was stopped, that it was free. */
export function AnswerLabels({ message }: { message: MessageDto }) {
  const routeLabel = message.route ? ROUTE_LABELS[message.route] : undefined;
  const uncovered = isUncovered(message.coverage);
  if (!routeLabel && message.status !== 'stopped' && !uncovered) return null;
  return (
    <div className="msg__labels">
      {routeLabel && <span className="chip chip--muted">{routeLabel}</span>}
      {message.status === 'stopped' && (
        <span className="chip chip--warning" data-testid="stopped-label">
          stopped
        </span>
      )}
      {uncovered && (
        <span className="chip chip--muted" data-testid="coverage-label">
          {message.coverage === 'no_material' ? 'No material to answer from' : 'Not in your material'} · free
        </span>
      )}
    </div>
  );
}
