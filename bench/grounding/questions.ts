import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { containsSnippet } from './match.js';

export const QuestionKind = z.enum(['definition', 'howto', 'code', 'comparison', 'section']);

/** A question the material answers: on one of `pages` of `file`, with `snippet` as the answer. */
export const AnswerableQuestion = z.object({
  id: z.string().min(1),
  /** A corpus id (bench/corpus/debian-docs.ts). */
  file: z.string().min(1),
  kind: QuestionKind,
  question: z.string().min(5),
  /** 1-based physical pages where the answer is. */
  pages: z.array(z.number().int().positive()).min(1),
  /** A short phrase or code form that answers the question, found on one of `pages`. */
  snippet: z.string().min(2),
});
export type AnswerableQuestion = z.infer<typeof AnswerableQuestion>;

export const UnanswerableQuestion = z.object({
  id: z.string().min(1),
  /** `off_topic`: nothing to do with the material; `near_miss`: its domain, but not covered. */
  kind: z.enum(['off_topic', 'near_miss']),
  question: z.string().min(5),
});
export type UnanswerableQuestion = z.infer<typeof UnanswerableQuestion>;

export const QuestionSet = z.object({
  answerable: z.array(AnswerableQuestion),
  unanswerable: z.array(UnanswerableQuestion),
});
export type QuestionSet = z.infer<typeof QuestionSet>;

export const QUESTIONS_PATH = new URL('./questions.json', import.meta.url);
/**
 * Questions on manuals (FRESH_DEBIAN_PDFS) that were written before the product was run on them:
 * scored apart from questions.json, whose figures many tuning sessions have seen.
 */
export const FRESH_QUESTIONS_PATH = new URL('./questions-fresh.json', import.meta.url);

export function loadQuestions(path: URL | string = QUESTIONS_PATH): QuestionSet {
  return QuestionSet.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/**
 * Everything wrong with a question set against the documents' page texts (`pages[i]` is page i + 1):
 * duplicate ids or questions, unknown files, pages out of range, and snippets not found on any of
 * their pages. Empty when the set is valid.
 */
export function questionProblems(
  set: QuestionSet,
  documents: ReadonlyMap<string, readonly string[]>,
): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const texts = new Set<string>();
  for (const q of [...set.answerable, ...set.unanswerable]) {
    if (ids.has(q.id)) problems.push(`${q.id}: duplicate id`);
    ids.add(q.id);
    const text = q.question.trim().toLowerCase();
    if (texts.has(text)) problems.push(`${q.id}: duplicate question`);
    texts.add(text);
  }
  for (const q of set.answerable) {
    const pages = documents.get(q.file);
    if (!pages) {
      problems.push(`${q.id}: unknown file ${q.file}`);
      continue;
    }
    const outOfRange = q.pages.filter((p) => p > pages.length);
    if (outOfRange.length > 0) {
      problems.push(`${q.id}: page ${outOfRange.join(', ')} beyond the document's ${pages.length}`);
      continue;
    }
    if (!q.pages.some((p) => containsSnippet(pages[p - 1]!, q.snippet))) {
      problems.push(`${q.id}: "${q.snippet}" is on none of pages ${q.pages.join(', ')} of ${q.file}`);
    }
  }
  return problems;
}
