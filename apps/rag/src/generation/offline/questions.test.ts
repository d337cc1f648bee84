import { describe, expect, it } from 'vitest';
import { readCorpus } from './model.js';
import { definitionOf } from './patterns.js';
import { blankOut, GAP, questionsFromDefinition } from './questions.js';
import { passage } from './test-passages.js';

const sentenceOf = (text: string) => readCorpus([passage(text)]).sentences[0]!;

describe('definitions', () => {
  it.each([
    ['A factor is a vector object used to specify a discrete classification.', 'factor', 'is'],
    ['Data frames are lists of vectors of equal length that behave like tables.', 'Data frames', 'is'],
    ['Such a collection of named values is called a list.', 'list', 'called'],
    ['The function solve() is used to solve linear equations.', 'solve()', 'used'],
  ])('%j defines %j', (sentence, term, kind) => {
    expect(definitionOf(sentence)).toEqual({ term, kind });
  });

  it.each(['It is a good idea to save often.', 'This is the default.', 'There are three kinds.'])(
    '%j defines nothing',
    (sentence) => {
      expect(definitionOf(sentence)).toBeNull();
    },
  );
});

describe('check-yourself questions', () => {
  it('makes a cloze with the defined term blanked, and a short-answer question', () => {
    const s = sentenceOf('A factor is a vector object used to specify a discrete classification.');
    const [cloze, short] = questionsFromDefinition(s);
    expect(cloze).toMatchObject({
      kind: 'cloze',
      prompt: `A ${GAP} is a vector object used to specify a discrete classification.`,
      answer: 'factor',
    });
    expect(short).toMatchObject({
      kind: 'short_answer',
      prompt: 'What is a factor?',
      answer: 'A factor is a vector object used to specify a discrete classification.',
    });
  });

  it('asks what a thing is used for when the sentence says so', () => {
    const [, short] = questionsFromDefinition(
      sentenceOf('The solve() function is used to solve linear systems.'),
    );
    expect(short?.prompt).toBe('What is `solve()` used for?');
  });

  it('blanks whole words only, keeping the rest of the sentence as written', () => {
    expect(blankOut('Vectors hold values; a vector is atomic.', 'vector')).toBe(
      `Vectors hold values; a ${GAP} is atomic.`,
    );
    expect(blankOut('Use read.csv to read.', 'read.csv')).toBe(`Use ${GAP} to read.`);
    expect(blankOut('Nothing here.', 'factor')).toBeNull();
  });
});
