import type { AnswerStudy, Citation, Route } from '@classchat/contracts';
import { pageSpanOf } from '../../citations/source-map.js';
import { ANSWER_LEAD, answerQuestion } from './answer.js';
import { CitationList, mapped } from './cite.js';
import { askingTerms } from './expressions.js';
import { readCorpus, sentenceKey, type Corpus, type OfflinePassage, type Sentence } from './model.js';
import { quiz } from './quiz.js';
import { studyGuide } from './study-guide.js';
import { summary } from './summary.js';
import { idfWeights, withoutTerms, type QueryWeights } from './weights.js';

/**
 * The offline answer engine: what the assistant answers when no language model is configured. It
 * reads the retrieved passages into sentences and builds, per route, an extractive answer (the
 * sentences that answer, with their examples), a summary (part by part), a study guide or a quiz —
 * Markdown with a citation per quoted sentence, plus a structured payload for guides and quizzes.
 * Deterministic and pure: the same passages and question give the same answer.
 */

export type { OfflinePassage } from './model.js';
export type { QueryWeights } from './weights.js';
export { retrievalWeights, weightsFrom } from './weights.js';

export const OFFLINE_NOTHING_FOUND =
  "_Offline answer: no language model is configured._\n\nI couldn't find anything about that in your material. " +
  'Try other words, or check that the document is in the class or chat you are asking in.';

/** A span an earlier answer quoted (a citation of the version a retry replaces). */
export type ShownSpan = Pick<Citation, 'documentId' | 'page' | 'charStart' | 'charEnd'>;

export interface OfflineRequest {
  route: Route;
  question: string;
  passages: readonly OfflinePassage[];
  /** The topic a summary, guide or quiz request names ("quiz me on factors" → "factors"). */
  topic?: string | null;
  /** Retrieval's weights of the question's terms; by default IDF over the candidate sentences. */
  weights?: QueryWeights;
  /** What the answers a retry replaces quoted: left out when something else answers. */
  shown?: readonly ShownSpan[];
  /** The exchange a follow-up continues: its question counts, its quotes are not repeated. */
  previous?: { question: string; answer: string } | null;
}

export interface OfflineAnswer {
  markdown: string;
  citations: Citation[];
  study: AnswerStudy | null;
}

export function composeOfflineAnswer(request: OfflineRequest): OfflineAnswer {
  const corpus = readCorpus(request.passages);
  const shown = request.shown ?? [];
  if (shown.length > 0) {
    // A retry: the next best answer, leaving out what was shown — or, when nothing else answers, the
    // same answer again (the caller tells the student so instead of charging for it).
    const next = compose(corpus, request, shownBefore(corpus, shown));
    if (next) return next;
  }
  return compose(corpus, request, null) ?? { markdown: OFFLINE_NOTHING_FOUND, citations: [], study: null };
}

function compose(
  corpus: Corpus,
  request: OfflineRequest,
  exclude: ((s: Sentence) => boolean) | null,
): OfflineAnswer | null {
  const cites = new CitationList();
  const topic = request.topic ?? null;
  const done = (markdown: string, study: AnswerStudy | null = null): OfflineAnswer => ({
    markdown,
    citations: cites.citations,
    study,
  });
  switch (request.route) {
    case 'summary': {
      const made = summary(corpus, cites, { topic, exclude: exclude ?? undefined });
      return made && done(made.markdown);
    }
    case 'generate_study_guide': {
      const made = studyGuide(corpus, cites, { topic, exclude: exclude ?? undefined });
      return made && done(made.markdown, made.study);
    }
    case 'quiz': {
      const made = quiz(corpus, cites, { topic, exclude: exclude ?? undefined });
      return made && done(made.markdown, made.study);
    }
    case 'general_qa':
    case 'quote_finding':
    case 'follow_up': {
      const previous = request.route === 'follow_up' ? (request.previous ?? null) : null;
      const question = previous ? `${request.question} ${previous.question}` : request.question;
      // The words that ask ("how often") are not the topic: a sentence is weighed by the others.
      const weights = withoutTerms(
        request.weights ??
          idfWeights(
            question,
            corpus.sentences.map((s) => s.termSet),
          ),
        askingTerms(request.question),
      );
      const repeated = previous ? quotedIn(previous.answer) : null;
      const skip =
        exclude || repeated
          ? (s: Sentence) => (exclude?.(s) ?? false) || (repeated?.(s) ?? false)
          : undefined;
      const made = answerQuestion(corpus, question, weights, cites, {
        max: request.route === 'quote_finding' ? 5 : 4,
        lead: ANSWER_LEAD,
        ...(skip ? { exclude: skip } : {}),
      });
      return made && done(made.markdown);
    }
  }
}

/** Whether a sentence overlaps a span shown before (same document and page, overlapping characters). */
function shownBefore(corpus: Corpus, shown: readonly ShownSpan[]): (s: Sentence) => boolean {
  return (s) => {
    const passage = corpus.passages[s.passage]!;
    const span = pageSpanOf(mapped(passage), s.start, s.end);
    return shown.some(
      (x) =>
        x.documentId === passage.documentId &&
        x.page === span.page &&
        x.charStart !== null &&
        x.charEnd !== null &&
        x.charStart < span.charEnd &&
        span.charStart < x.charEnd,
    );
  };
}

/** Whether a sentence was already quoted in an earlier answer's text. */
function quotedIn(answer: string): (s: Sentence) => boolean {
  const said = sentenceKey({ text: answer });
  return (s) => said.includes(sentenceKey(s));
}
