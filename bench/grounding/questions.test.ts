import { describe, expect, it } from 'vitest';
import { FRESH_QUESTIONS_PATH, loadQuestions, questionProblems, type QuestionSet } from './questions.js';

const docs = new Map([['gnuplot', ['page one', 'To read a csv file use set datafile separator comma']]]);
const set = (answerable: QuestionSet['answerable'], unanswerable: QuestionSet['unanswerable'] = []) => ({
  answerable,
  unanswerable,
});
const q = {
  id: 'csv',
  file: 'gnuplot',
  kind: 'howto' as const,
  question: 'How do I read a CSV file?',
  pages: [2],
  snippet: 'set  DATAFILE separator',
};

describe('question file validation', () => {
  it('accepts a snippet found on one of its pages', () => {
    expect(questionProblems(set([q]), docs)).toEqual([]);
  });

  it('reports a snippet that is on none of its pages, an unknown file and a page out of range', () => {
    expect(questionProblems(set([{ ...q, pages: [1] }]), docs)).toEqual([
      'csv: "set  DATAFILE separator" is on none of pages 1 of gnuplot',
    ]);
    expect(questionProblems(set([{ ...q, file: 'maxima' }]), docs)).toEqual(['csv: unknown file maxima']);
    expect(questionProblems(set([{ ...q, pages: [3] }]), docs)).toEqual([
      "csv: page 3 beyond the document's 2",
    ]);
  });

  it('reports duplicate ids and duplicate questions across both lists', () => {
    const problems = questionProblems(
      set(
        [q, { ...q, question: 'Another?' }],
        [{ id: 'x', kind: 'off_topic', question: 'how do i read a csv file?' }],
      ),
      docs,
    );
    expect(problems).toEqual(['csv: duplicate id', 'x: duplicate question']);
  });

  it('the committed question set parses, with at least 60 answerable and 10 unanswerable questions', () => {
    const questions = loadQuestions();
    expect(questions.answerable.length).toBeGreaterThanOrEqual(60);
    expect(questions.unanswerable).toHaveLength(10);
    expect(new Set(questions.answerable.map((x) => x.kind))).toEqual(
      new Set(['definition', 'howto', 'code', 'comparison', 'section']),
    );
  });

  it('the fresh question set parses, every kind asked on each of its three manuals', () => {
    const fresh = loadQuestions(FRESH_QUESTIONS_PATH);
    const files = new Set(fresh.answerable.map((x) => x.file));
    expect(files).toEqual(new Set(['bashref', 'gmpl', 'sbcl']));
    for (const file of files) {
      const kinds = new Set(fresh.answerable.filter((x) => x.file === file).map((x) => x.kind));
      expect(kinds).toEqual(new Set(['definition', 'howto', 'code', 'comparison', 'section']));
    }
    expect(fresh.unanswerable.length).toBeGreaterThanOrEqual(3);
  });
});
