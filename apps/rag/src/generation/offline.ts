import type { Route } from '@classchat/contracts';
import { countTokens } from '../prompts/tokens.js';
import type { AnswerModel } from './model.js';

export const OFFLINE_NOTICE =
  '_Offline answer: no language model is configured, so here are the most relevant passages from your material._';
export const OFFLINE_NOTHING_FOUND =
  "_Offline answer: no language model is configured._\n\nI couldn't find anything about that in your material. " +
  'Try other words, or check that the document is in the class or chat you are asking in.';

export interface ExtractSource {
  fileName: string;
  pageStart: number;
  pageEnd: number;
  text: string;
}

const STOPWORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have how i if in into is it its me ' +
    'my no not of on or our so than that the their them then there these they this those to was we were what ' +
    'when where which who why will with would you your about tell explain describe give quote exact text say ' +
    'says said please more'
  ).split(' '),
);

const stem = (w: string) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w);
const terms = (text: string) =>
  (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOPWORDS.has(w)).map(stem);

/** Sentences of a passage, whitespace collapsed. */
export function sentencesOf(text: string): string[] {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return [];
  return (flat.match(/[^.!?]+(?:[.!?]+["”’)]*|$)/g) ?? [flat])
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The sentence(s) of `text` that best match `query` (by shared terms), in their original order. */
export function bestSentences(text: string, query: string, max = 2): string[] {
  const sentences = sentencesOf(text);
  const wanted = new Set(terms(query));
  if (wanted.size === 0) return sentences.slice(0, max);
  const scored = sentences.map((s, i) => {
    const seen = new Set(terms(s).filter((t) => wanted.has(t)));
    return { i, s, score: seen.size };
  });
  const best = [...scored].sort((a, b) => b.score - a.score || a.i - b.i)[0];
  if (!best || best.score === 0) return sentences.slice(0, Math.min(max, 1));
  const picked = [best];
  // A short best sentence reads better with its neighbour.
  const next = scored[best.i + 1];
  if (max > 1 && next && (best.s.length < 120 || next.score > 0)) picked.push(next);
  return picked.sort((a, b) => a.i - b.i).map((p) => p.s);
}

/**
 * The offline ("no language model") answer: the labelled best passages of `sources`, quoted verbatim
 * and cited `[n]` (n = position in `sources`), or a plain statement that nothing relevant was found.
 * Summaries and study guides take the opening of passages spread over the material. Pure.
 */
export function extractiveAnswer(route: Route, query: string, sources: readonly ExtractSource[]): string {
  if (sources.length === 0) return OFFLINE_NOTHING_FOUND;
  const spread = route === 'summary' || route === 'generate_study_guide';
  const picks = spread ? pickSpread(sources, 6) : sources.slice(0, 3).map((s, i) => ({ s, n: i + 1 }));
  const lines = picks.flatMap(({ s, n }) => {
    const quote = spread ? sentencesOf(s.text).slice(0, 1) : bestSentences(s.text, query);
    if (quote.length === 0) return [];
    const where = s.pageEnd > s.pageStart ? `pages ${s.pageStart}–${s.pageEnd}` : `page ${s.pageStart}`;
    return [`> “${quote.join(' ')}” [${n}]\n>\n> — ${s.fileName}, ${where}`];
  });
  if (lines.length === 0) return OFFLINE_NOTHING_FOUND;
  return `${OFFLINE_NOTICE}\n\n${lines.join('\n\n')}`;
}

/** Up to `max` sources evenly spaced through the list (first and last included). */
function pickSpread(sources: readonly ExtractSource[], max: number): Array<{ s: ExtractSource; n: number }> {
  if (sources.length <= max) return sources.map((s, i) => ({ s, n: i + 1 }));
  return Array.from({ length: max }, (_, i) => {
    const at = Math.round((i * (sources.length - 1)) / (max - 1));
    return { s: sources[at]!, n: at + 1 };
  });
}

/** Word-sized pieces (each with its leading whitespace) whose concatenation is `text`. */
export function wordPieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/**
 * The offline stand-in for the model: the extractive answer of the request's sources, written word
 * by word at `tokenDelayMs`, through the same pipeline as a model's tokens.
 */
export function offlineModel(options: {
  route: Route;
  query: string;
  sources: readonly ExtractSource[];
  tokenDelayMs: number;
}): AnswerModel {
  return async function* model(_request, signal) {
    const text = extractiveAnswer(options.route, options.query, options.sources);
    for (const piece of wordPieces(text)) {
      if (options.tokenDelayMs > 0) await sleep(options.tokenDelayMs, signal);
      if (signal.aborted) return;
      yield { type: 'text', text: piece };
    }
    const completionTokens = countTokens(text);
    yield { type: 'usage', usage: { promptTokens: 0, completionTokens, totalTokens: completionTokens } };
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
