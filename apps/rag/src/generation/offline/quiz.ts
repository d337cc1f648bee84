import type { QuizPayload } from '@classchat/contracts';
import { centralSentences } from './centrality.js';
import type { CitationList } from './cite.js';
import type { Corpus } from './model.js';
import { definitionOf } from './patterns.js';
import { plainOf } from './questions.js';
import { cited, emphasis, heading, list, paragraph, serialize, strong, text } from './render.js';
import {
  makeQuestions,
  studyPool,
  toStudyQuestions,
  vocabularyOf,
  type StudyOptions,
} from './study-guide.js';
import { termsOf } from './terms.js';
import { corpusIdf } from './weights.js';

/**
 * "Quiz me on X": questions made from the sentences about X (or, with no topic, from the most central
 * sentences of the material), each with its answer and citation, shown one at a time by the web app.
 */

export const QUIZ_MAX = 8;

export function quizLead(topic: string | null, count: number): string {
  const on = topic ? ` on “${topic}”` : '';
  return `_Offline quiz${on} (no language model is configured): ${count} question${count === 1 ? '' : 's'} made from your material. The answers are at the end._`;
}

export function quiz(
  corpus: Corpus,
  cites: CitationList,
  options: StudyOptions,
): { markdown: string; study: QuizPayload } | null {
  const pool = studyPool(corpus, options).slice(0, options.topic ? 40 : undefined);
  if (pool.length === 0) return null;
  const idf = corpusIdf(corpus.sentences.map((s) => s.termSet));
  const ranked = options.topic
    ? pool
    : centralSentences(pool, idf, { k: Math.min(pool.length, 40) }).map((c) => c.sentence);
  const definitions = ranked.filter((s) => definitionOf(plainOf(s)) !== null);
  const others = ranked.filter((s) => !definitions.includes(s));
  const topicTerms = new Set(options.topic ? termsOf(options.topic) : []);
  const made = makeQuestions(definitions, others, idf, QUIZ_MAX, vocabularyOf(corpus, pool), topicTerms);
  if (made.length === 0) return null;
  const questions = toStudyQuestions(corpus, made, cites);
  const markdown = serialize([
    list(
      questions.map((q) => [paragraph([text(q.prompt)])]),
      true,
    ),
    heading(3, [text('Answers')]),
    list(
      questions.map((q) => [
        paragraph([strong(q.answer), text(' — '), emphasis([text(q.source)]), cited(q.citation)]),
      ]),
      true,
    ),
  ]);
  return {
    markdown: `${quizLead(options.topic, questions.length)}\n\n${markdown}`,
    study: { kind: 'quiz', topic: options.topic, questions },
  };
}
