import { describe, expect, it } from 'vitest';
import { questionToSearch } from './search-question.js';

const history = [
  { role: 'user' as const, content: 'What does glycolysis produce?' },
  { role: 'assistant' as const, content: 'Two pyruvate molecules and a net two ATP [1].' },
];

describe('the question retrieval searches', () => {
  it('adds the previous question to a short one that points back at it', () => {
    expect(questionToSearch('And where does it start?', history)).toBe(
      'What does glycolysis produce? And where does it start?',
    );
    expect(questionToSearch('what about its inputs', history)).toBe(
      'What does glycolysis produce? what about its inputs',
    );
  });

  it('searches a question that names its own topic as asked', () => {
    expect(questionToSearch('Where does the Krebs cycle happen?', history)).toBe(
      'Where does the Krebs cycle happen?',
    );
    const long = 'Which enzyme of the Krebs cycle turns citrate into isocitrate, and is it reversible?';
    expect(questionToSearch(long, history)).toBe(long);
  });

  it('searches as asked when there is no previous question', () => {
    expect(questionToSearch('And where does it start?', [])).toBe('And where does it start?');
    expect(
      questionToSearch('And where does it start?', [
        { role: 'assistant', content: 'Hello! Ask me anything.' },
      ]),
    ).toBe('And where does it start?');
  });
});
