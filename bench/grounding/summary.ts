import type { QuoteNoise } from './score.js';

/** One question's outcome in one configuration (fields a configuration cannot measure are absent). */
export interface QuestionResult {
  id: string;
  kind: string;
  answerable: boolean;
  /** Corpus id of the file that answers it; null for unanswerable questions. */
  file: string | null;
  anyCitation?: boolean;
  firstCitation?: boolean;
  snippet?: boolean;
  notCovered?: boolean;
  coverage?: string | null;
  route?: string;
  expected?: number[];
  /** `file:page` of each citation, in marker order (the baseline: its top pages). */
  cited: string[];
  noise?: QuoteNoise;
  ms?: number;
}

export interface Tally {
  answerable: number;
  anyCitation: number;
  firstCitation: number;
  /** null where the configuration writes no answer (the baseline). */
  snippet: number | null;
  wronglyNotCovered: number | null;
  unanswerable: number | null;
  unanswerableNotCovered: number | null;
  quotedSentences: number | null;
  noisySentences: number | null;
}

export interface Summary {
  name: string;
  overall: Tally;
  byFile: Record<string, Tally>;
  byKind: Record<string, Tally>;
}

function tally(results: readonly QuestionResult[]): Tally {
  const answerable = results.filter((r) => r.answerable);
  const unanswerable = results.filter((r) => !r.answerable);
  const answers = results.some((r) => r.notCovered !== undefined);
  const count = (rs: readonly QuestionResult[], f: (r: QuestionResult) => boolean | undefined) =>
    rs.filter((r) => f(r) === true).length;
  const noise = results.flatMap((r) => (r.noise ? [r.noise] : []));
  return {
    answerable: answerable.length,
    anyCitation: count(answerable, (r) => r.anyCitation),
    firstCitation: count(answerable, (r) => r.firstCitation),
    snippet: answers ? count(answerable, (r) => r.snippet) : null,
    wronglyNotCovered: answers ? count(answerable, (r) => r.notCovered) : null,
    unanswerable: answers ? unanswerable.length : null,
    unanswerableNotCovered: answers ? count(unanswerable, (r) => r.notCovered) : null,
    quotedSentences: answers ? noise.reduce((s, n) => s + n.sentences, 0) : null,
    noisySentences: answers ? noise.reduce((s, n) => s + n.noisy, 0) : null,
  };
}

function groupBy(results: readonly QuestionResult[], key: (r: QuestionResult) => string | null) {
  const groups = new Map<string, QuestionResult[]>();
  for (const r of results) {
    const k = key(r);
    if (k !== null) groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return Object.fromEntries([...groups].map(([k, rs]) => [k, tally(rs)]));
}

/** Overall, per file and per question kind (answerable questions only in the per-file/kind tallies). */
export function summarize(name: string, results: readonly QuestionResult[]): Summary {
  const answerable = results.filter((r) => r.answerable);
  return {
    name,
    overall: tally(results),
    byFile: groupBy(answerable, (r) => r.file),
    byKind: groupBy(answerable, (r) => r.kind),
  };
}
