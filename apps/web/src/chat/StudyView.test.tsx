import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { QuizPayload, StudyGuidePayload } from '@classchat/contracts';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { citation } from '../test/fakeSocket.js';
import { ROUTER_FUTURE } from '../ui/routerFuture.js';
import { StudyView } from './StudyView.js';

const quiz: QuizPayload = {
  kind: 'quiz',
  topic: 'factors',
  questions: [
    {
      kind: 'cloze',
      prompt: 'A _____ is a vector object used to specify a discrete classification.',
      answer: 'factor',
      source: 'A factor is a vector object used to specify a discrete classification.',
      citation: 1,
      fileName: 'R intro.pdf',
      page: 16,
    },
    {
      kind: 'short_answer',
      prompt: 'What are the levels of a factor?',
      answer: 'The levels of a factor are its distinct values.',
      source: 'The levels of a factor are its distinct values.',
      citation: 2,
      fileName: 'R intro.pdf',
      page: 17,
    },
  ],
};

const renderStudy = (study: QuizPayload | StudyGuidePayload) =>
  render(
    <MemoryRouter future={ROUTER_FUTURE}>
      <StudyView study={study} citations={[citation(1, 16), citation(2, 17)]} />
    </MemoryRouter>,
  );

describe('a quiz', () => {
  it('shows one question at a time, its answer and page only after "Show answer"', async () => {
    const user = userEvent.setup();
    renderStudy(quiz);
    expect(screen.getByTestId('quiz-progress').textContent).toBe('Question 1 of 2');
    expect(screen.getByTestId('quiz-prompt').textContent).toMatch(/^A .* is a vector object/);
    expect(screen.queryByTestId('study-answer')).toBeNull();
    expect(screen.queryByText('factor')).toBeNull();

    await user.click(screen.getByTestId('show-answer'));
    const answer = screen.getByTestId('study-answer');
    expect(within(answer).getByText('factor')).toBeTruthy();
    expect(within(answer).getByText('R intro.pdf · p. 16')).toBeTruthy();
    expect(within(answer).getByTestId('citation-chip').getAttribute('href')).toMatch(/page=16/);

    await user.click(screen.getByTestId('next-question'));
    expect(screen.getByTestId('quiz-progress').textContent).toBe('Question 2 of 2');
    expect(screen.queryByTestId('study-answer')).toBeNull();
    expect(screen.getByTestId('next-question')).toHaveProperty('disabled', true);
  });
});

describe('a question naming a function', () => {
  it('shows the name as code, without its backticks', () => {
    renderStudy({
      kind: 'quiz',
      topic: null,
      questions: [{ ...quiz.questions[1]!, prompt: 'What is `read.csv()` used for?' }],
    });
    const prompt = screen.getByTestId('quiz-prompt');
    expect(prompt.textContent).toBe('What is read.csv() used for?');
    expect(prompt.querySelector('code')?.textContent).toBe('read.csv()');
  });
});

describe('a study guide', () => {
  it('lists key terms and points, and hides each check-yourself answer behind its toggle', async () => {
    const user = userEvent.setup();
    renderStudy({
      kind: 'study_guide',
      topic: null,
      keyTerms: [{ term: 'factor', definition: quiz.questions[0]!.source, citation: 1 }],
      keyPoints: [
        { text: 'The levels of a factor are its distinct values.', citation: 2, section: '4 Factors' },
      ],
      questions: quiz.questions,
    });
    const guide = screen.getByTestId('study-guide');
    expect(within(guide).getByText('factor', { selector: 'dt' })).toBeTruthy();
    expect(within(guide).getByText('(4 Factors)', { exact: false })).toBeTruthy();
    const toggles = within(guide).getAllByTestId('toggle-answer');
    expect(toggles).toHaveLength(2);
    expect(within(guide).queryAllByTestId('study-answer')).toHaveLength(0);
    await user.click(toggles[1]!);
    expect(toggles[1]!.getAttribute('aria-expanded')).toBe('true');
    expect(within(guide).getAllByTestId('study-answer')).toHaveLength(1);
  });
});
