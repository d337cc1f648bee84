import { describe, expect, it } from 'vitest';
import { askingTerms, expressionAsked, holdsExpression } from './expressions.js';

describe('the kind of expression a question asks for', () => {
  it.each([
    ['How often is the index rebuilt?', 'frequency'],
    ['How frequently are grades posted?', 'frequency'],
    ['How long does the exam last?', 'extent'],
    ['How many credits is the course worth?', 'quantity'],
    ['How much memory does the server need?', 'quantity'],
    ['When is the deadline for the essay?', 'time'],
    ['Why are results cached?', 'reason'],
    ['What happens if I miss the deadline?', 'condition'],
    ['What does the compiler do if a file is missing?', 'condition'],
    ['How should I format a citation?', 'instruction'],
    ['In chapter 2, how should the output be named?', 'instruction'],
    ['What is a lab report supposed to contain?', 'instruction'],
  ] as const)('%j asks for a %s', (question, kind) => {
    expect(expressionAsked(question)).toBe(kind);
  });

  it.each([
    'How do I leave the program?',
    'What is a factor?',
    // The measure is part of the topic, not what is asked.
    'How can I measure how long a loop takes?',
    'Which function sorts a list?',
  ])('%j asks for no particular expression', (question) => {
    expect(expressionAsked(question)).toBeNull();
  });

  it('names the asking words, which are not the topic', () => {
    expect(askingTerms('How often is the index rebuilt?')).toEqual(['often']);
    expect(askingTerms('How long does the exam last?')).toEqual(['long']);
    expect(askingTerms('How do I sort a list?')).toEqual([]);
  });
});

describe('whether a sentence holds the expression asked for', () => {
  it.each([
    ['The index is rebuilt every ten minutes.', 'frequency', true],
    ['Grades are posted twice a week.', 'frequency', true],
    ['The index is rebuilt from the files on disk.', 'frequency', false],
    ['The exam lasts three hours.', 'extent', true],
    ['Lines should be at most 79 characters long.', 'extent', true],
    ['The exam is written on paper.', 'extent', false],
    ['The course is worth six credits.', 'quantity', true],
    ['The course is worth the effort.', 'quantity', false],
    ['The essay is due on Monday, 3 March.', 'time', true],
    ['Hand in the essay after the last lecture.', 'time', true],
    ['The essay is about a novel of your choice.', 'time', false],
    ['Results are cached because the database is slow.', 'reason', true],
    ['Results are kept in memory.', 'reason', false],
    ['If you miss the deadline, the grade is lowered.', 'condition', true],
    ['Unless the file exists, the build stops.', 'condition', true],
    ['The deadline is printed on the syllabus.', 'condition', false],
    ['Format each citation with the author and the year.', 'instruction', true],
    ['A citation must give the page.', 'instruction', true],
    ['It is advisable to cite the page as well.', 'instruction', true],
    ['Citations appear in many styles.', 'instruction', false],
  ] as const)('%j holds a %s: %s', (sentence, kind, expected) => {
    expect(holdsExpression(sentence, kind)).toBe(expected);
  });
});
