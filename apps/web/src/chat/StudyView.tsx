import type {
  AnswerStudy,
  Citation,
  QuizPayload,
  StudyGuidePayload,
  StudyQuestion,
} from '@classchat/contracts';
import { useState } from 'react';
import { CitationChip } from './CitationChip.js';

/**
 * A quiz or study guide that came with an answer, shown as a student uses one: quiz questions one at
 * a time with "Show answer", study-guide questions each with its own answer toggle. Every answer
 * carries the chip of the sentence it was made from, which opens the viewer at that page.
 */
export function StudyView({ study, citations }: { study: AnswerStudy; citations: Citation[] }) {
  const byN = new Map(citations.map((c) => [c.n, c]));
  return study.kind === 'quiz' ? (
    <QuizCard quiz={study} citations={byN} />
  ) : (
    <StudyGuideView guide={study} citations={byN} />
  );
}

type CitationsByN = ReadonlyMap<number, Citation>;

/** Text with its `inline code` (as the answer's Markdown writes a function name) shown as code. */
function WithCode({ text }: { text: string }) {
  const parts = text.split(/`([^`\n]+)`/);
  return <>{parts.map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>;
}

/** A question's prompt: a cloze prompt with its gap drawn as a blank line to fill. */
function Prompt({ question }: { question: StudyQuestion }) {
  if (question.kind !== 'cloze') return <WithCode text={question.prompt} />;
  const [before, ...rest] = question.prompt.split('_____');
  return (
    <>
      {before}
      <span className="study__gap" aria-label="blank">
        {'\u2003\u2003\u2003'}
      </span>
      {rest.join('_____')}
    </>
  );
}

function Answer({ question, citations }: { question: StudyQuestion; citations: CitationsByN }) {
  return (
    <div className="study__answer" data-testid="study-answer">
      <p className="study__answer-text">
        <strong>{question.answer}</strong>
      </p>
      {question.kind === 'cloze' || question.answer !== question.source ? (
        <p className="study__source">
          “{question.source}”{' '}
          <CitationChip n={question.citation} citation={citations.get(question.citation)} />
        </p>
      ) : (
        <p className="study__source">
          <CitationChip n={question.citation} citation={citations.get(question.citation)} />
        </p>
      )}
      <p className="study__where">
        {question.fileName} · p. {question.page}
      </p>
    </div>
  );
}

function QuizCard({ quiz, citations }: { quiz: QuizPayload; citations: CitationsByN }) {
  const [index, setIndex] = useState(0);
  const [revealed, setRevealed] = useState(false);
  const count = quiz.questions.length;
  const question = quiz.questions[Math.min(index, count - 1)]!;
  const go = (to: number) => {
    setIndex(to);
    setRevealed(false);
  };
  return (
    <section className="study study--quiz" aria-label="Quiz" data-testid="quiz">
      <header className="study__header">
        <h3 className="study__title">{quiz.topic ? `Quiz: ${quiz.topic}` : 'Quiz'}</h3>
        <span className="study__meta" data-testid="quiz-progress">
          Question {index + 1} of {count}
        </span>
      </header>
      <p className="study__prompt" data-testid="quiz-prompt">
        <Prompt question={question} />
      </p>
      {revealed ? (
        <Answer question={question} citations={citations} />
      ) : (
        <button
          type="button"
          className="btn btn-small btn-primary"
          onClick={() => setRevealed(true)}
          data-testid="show-answer"
        >
          Show answer
        </button>
      )}
      <div className="study__nav">
        <button
          type="button"
          className="btn btn-small btn-ghost"
          disabled={index === 0}
          onClick={() => go(index - 1)}
        >
          Previous
        </button>
        <button
          type="button"
          className="btn btn-small btn-ghost"
          disabled={index >= count - 1}
          onClick={() => go(index + 1)}
          data-testid="next-question"
        >
          Next question
        </button>
      </div>
    </section>
  );
}

function StudyGuideView({ guide, citations }: { guide: StudyGuidePayload; citations: CitationsByN }) {
  return (
    <section className="study study--guide" aria-label="Study guide" data-testid="study-guide">
      {guide.keyTerms.length > 0 && (
        <>
          <h3 className="study__title">Key terms</h3>
          <dl className="study__terms">
            {guide.keyTerms.map((t) => (
              <div key={`${t.term}-${t.citation}`} className="study__term">
                <dt>{t.term}</dt>
                <dd>
                  {t.definition} <CitationChip n={t.citation} citation={citations.get(t.citation)} />
                </dd>
              </div>
            ))}
          </dl>
        </>
      )}
      {guide.keyPoints.length > 0 && (
        <>
          <h3 className="study__title">Key points</h3>
          <ul className="study__points">
            {guide.keyPoints.map((p) => (
              <li key={p.citation}>
                {p.text} <CitationChip n={p.citation} citation={citations.get(p.citation)} />
                {p.section && <span className="study__section"> ({p.section})</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      {guide.questions.length > 0 && (
        <>
          <h3 className="study__title">Check yourself</h3>
          <ol className="study__questions">
            {guide.questions.map((q, i) => (
              <CheckQuestion key={`${i}-${q.citation}`} question={q} citations={citations} />
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

function CheckQuestion({ question, citations }: { question: StudyQuestion; citations: CitationsByN }) {
  const [open, setOpen] = useState(false);
  return (
    <li className="study__question">
      <p className="study__prompt">
        <Prompt question={question} />
      </p>
      <button
        type="button"
        className="btn btn-small btn-ghost"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        data-testid="toggle-answer"
      >
        {open ? 'Hide answer' : 'Show answer'}
      </button>
      {open && <Answer question={question} citations={citations} />}
    </li>
  );
}

/** The quiz or study guide of the version of an answer being shown, if it has one. */
export function studyOf(message: { versions: readonly { study?: AnswerStudy }[]; currentVersion: number }) {
  return message.versions[message.currentVersion]?.study ?? null;
}
