import { z } from 'zod';

/**
 * Structured study content an answer may carry beside its Markdown: a quiz (questions shown one at a
 * time, each answer behind "show answer") or a study guide (key terms, key points and "check
 * yourself" questions). The Markdown `content` of the same answer says all of it as text, for
 * clients that do not render these; `citation` numbers refer to that answer's `citations`.
 */

const CitationNumber = z.number().int().positive();

export const StudyQuestion = z.object({
  /** `cloze`: the prompt has a gap written `_____` that the answer fills; `short_answer`: a question. */
  kind: z.enum(['cloze', 'short_answer']),
  prompt: z.string().min(1),
  answer: z.string().min(1),
  /** The sentence of the material the question was made from (plain text). */
  source: z.string(),
  citation: CitationNumber,
  fileName: z.string(),
  page: z.number().int().positive(),
});
export type StudyQuestion = z.infer<typeof StudyQuestion>;

export const QuizPayload = z.object({
  kind: z.literal('quiz'),
  /** What the student asked to be quizzed on ("factors"); null for the whole material. */
  topic: z.string().nullable(),
  questions: z.array(StudyQuestion).min(1),
});
export type QuizPayload = z.infer<typeof QuizPayload>;

export const KeyTerm = z.object({
  term: z.string().min(1),
  /** The sentence that defines it (plain text). */
  definition: z.string(),
  citation: CitationNumber,
});
export type KeyTerm = z.infer<typeof KeyTerm>;

export const KeyPoint = z.object({
  text: z.string(),
  citation: CitationNumber,
  /** The section it comes from, when known. */
  section: z.string().nullable(),
});
export type KeyPoint = z.infer<typeof KeyPoint>;

export const StudyGuidePayload = z.object({
  kind: z.literal('study_guide'),
  topic: z.string().nullable(),
  keyTerms: z.array(KeyTerm),
  keyPoints: z.array(KeyPoint),
  questions: z.array(StudyQuestion),
});
export type StudyGuidePayload = z.infer<typeof StudyGuidePayload>;

export const AnswerStudy = z.discriminatedUnion('kind', [QuizPayload, StudyGuidePayload]);
export type AnswerStudy = z.infer<typeof AnswerStudy>;
