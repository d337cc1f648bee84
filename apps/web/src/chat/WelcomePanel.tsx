import { Icon } from '../ui/Icon.js';

const SUGGESTIONS = [
  'Summarize the key ideas of this class',
  'Make me a study guide for the next exam',
  'Explain the hardest concept with an example',
];

/** What an empty chat shows: a greeting and a few questions to start from. */
export function WelcomePanel({ onPick }: { onPick: (suggestion: string) => void }) {
  return (
    <div className="welcome">
      <span className="welcome__mark" aria-hidden="true">
        <Icon name="book" size={26} />
      </span>
      <h2 className="welcome__title">What are we studying today?</h2>
      <p className="welcome__text">
        Ask anything about your uploaded material. Every answer cites the document and page it comes from.
      </p>
      <ul className="welcome__suggestions">
        {SUGGESTIONS.map((s) => (
          <li key={s}>
            <button type="button" className="suggestion" onClick={() => onPick(s)}>
              {s}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
