import { describe, expect, it } from 'vitest';
import { AnswerStudy } from '@classchat/contracts';
import { composeOfflineAnswer } from './index.js';
import { GAP } from './questions.js';
import { passage } from './test-passages.js';

const material = [
  passage(
    'A factor is a vector object used to specify a discrete classification of the components of other vectors. The levels of a factor are its distinct values, sorted. The function tapply() applies a function to each group of values given by a factor.',
    { sectionPath: ['4 Factors'], pageStart: 16, pageEnd: 16 },
  ),
  passage(
    'A data frame is a list of vectors of equal length that is shown like a table. Each column of a data frame may hold its own type of values. Data frames are read from text files with read.table().',
    { chunkIndex: 1, sectionPath: ['6 Data frames'], pageStart: 27, pageEnd: 27 },
  ),
  passage(
    'An array is a vector with a dimension attribute. A matrix is an array with exactly two subscripts. Matrices are multiplied element by element with the * operator.',
    { chunkIndex: 2, sectionPath: ['5 Arrays'], pageStart: 20, pageEnd: 20 },
  ),
];

describe('the offline study guide', () => {
  it('lists key terms with their defining sentence, key points and check-yourself questions with answers', () => {
    const answer = composeOfflineAnswer({
      route: 'generate_study_guide',
      question: 'make me a study guide',
      passages: material,
    });
    const study = AnswerStudy.parse(answer.study);
    if (study.kind !== 'study_guide') throw new Error('expected a study guide');
    expect(study.keyTerms.map((t) => t.term)).toEqual(
      expect.arrayContaining(['factor', 'data frame', 'array', 'matrix']),
    );
    const factor = study.keyTerms.find((t) => t.term === 'factor')!;
    expect(factor.definition).toMatch(/^A factor is a vector object/);
    expect(answer.citations[factor.citation - 1]).toMatchObject({ page: 16, sectionPath: ['4 Factors'] });
    expect(study.keyPoints.length).toBeGreaterThan(0);
    expect(study.questions.length).toBeGreaterThanOrEqual(5);
    expect(study.questions.length).toBeLessThanOrEqual(10);
    for (const q of study.questions) {
      expect(answer.citations[q.citation - 1]?.page).toBe(q.page);
      if (q.kind === 'cloze') expect(q.prompt).toContain(GAP);
    }
    expect(answer.markdown).toMatch(/### Key terms[\s\S]*### Key points[\s\S]*### Check yourself/);
  });
});

describe('the offline quiz', () => {
  it('asks questions about the topic, each with its answer and page', () => {
    const answer = composeOfflineAnswer({
      route: 'quiz',
      question: 'quiz me on factors',
      topic: 'factors',
      passages: material,
    });
    const study = AnswerStudy.parse(answer.study);
    if (study.kind !== 'quiz') throw new Error('expected a quiz');
    expect(study.topic).toBe('factors');
    expect(study.questions.length).toBeGreaterThanOrEqual(2);
    expect(study.questions[0]).toMatchObject({ page: 16, fileName: 'notes.pdf' });
    expect(study.questions.some((q) => q.kind === 'cloze' && q.answer === 'factor')).toBe(true);
    expect(answer.markdown).toMatch(/^_Offline quiz on “factors”/);
    expect(answer.markdown).toContain('### Answers');
  });

  it('asks other questions when retried', () => {
    const first = composeOfflineAnswer({
      route: 'quiz',
      question: 'quiz me',
      topic: null,
      passages: material,
    });
    const next = composeOfflineAnswer({
      route: 'quiz',
      question: 'quiz me',
      topic: null,
      passages: material,
      shown: first.citations,
    });
    expect(next.markdown).not.toBe(first.markdown);
  });
});
