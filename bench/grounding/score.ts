import type { SemanticSearchResponse } from '@classchat/contracts';
import type { RunningLines } from '../corpus/running-lines.js';
import { hasDotLeader, runningLineHits } from '../corpus/running-lines.js';
import type { BaselineHit } from './bm25.js';
import { containsSnippet, withoutMarkdownEscapes } from './match.js';
import type { AnswerableQuestion } from './questions.js';

/** Where a question's answer is: a corpus file id and its right pages. */
type Target = Pick<AnswerableQuestion, 'file' | 'pages' | 'snippet'>;

export interface AnswerScore {
  /** Any citation names a right page of the right file. */
  anyCitation: boolean;
  /** The first citation (marker [1]) does. */
  firstCitation: boolean;
  /** The answer's text holds the expected snippet. */
  snippet: boolean;
  /** The answer says the material does not cover the question. */
  notCovered: boolean;
  citations: number;
}

/** `fileIds` maps a citation's file name to the corpus id used by the questions. */
export function scoreAnswer(
  target: Target,
  response: SemanticSearchResponse,
  fileIds: ReadonlyMap<string, string>,
): AnswerScore {
  const cited = [...response.citations].sort((a, b) => a.n - b.n);
  const right = (c: { fileName: string; page: number }) =>
    fileIds.get(c.fileName) === target.file && target.pages.includes(c.page);
  return {
    anyCitation: cited.some(right),
    firstCitation: cited.length > 0 && right(cited[0]!),
    snippet: containsSnippet(withoutMarkdownEscapes(response.message), target.snippet),
    notCovered: isNotCovered(response),
    citations: cited.length,
  };
}

/** Absent coverage is an answer from before coverage existed: grounded. */
export function isNotCovered(response: Pick<SemanticSearchResponse, 'coverage'>): boolean {
  return response.coverage !== undefined && response.coverage !== 'grounded';
}

export function scoreBaseline(
  target: Pick<Target, 'file' | 'pages'>,
  hits: readonly BaselineHit[],
): { any: boolean; first: boolean } {
  const right = (h: BaselineHit) => h.file === target.file && target.pages.includes(h.page);
  return { any: hits.some(right), first: hits.length > 0 && right(hits[0]!) };
}

export interface QuotedSentence {
  sentence: string;
  /** Citation marker right after the quote, if any. */
  n: number | null;
}

/**
 * The sentences an answer quotes from the material: text between curly quotes (“…”) followed by an
 * optional citation marker (`【n】`, or `[n]` in answers without any `【n】`); when an answer has no
 * curly quotes, its `>` blockquote lines other than the `> — file, page` attribution lines and the
 * lines of code blocks (code is not a sentence). Each quote is split into sentences.
 */
export function quotedSentences(message: string): QuotedSentence[] {
  const quotes: QuotedSentence[] = [];
  const markerAfter = /^\s*(?:【(\d+)】|\[(\d+)\])/;
  for (const m of message.matchAll(/“([^”]+)”/g)) {
    const marker = markerAfter.exec(message.slice(m.index + m[0].length));
    const n = marker ? Number(marker[1] ?? marker[2]) : null;
    quotes.push({ sentence: m[1]!, n });
  }
  if (quotes.length === 0) {
    let inCode = false;
    for (const line of message.split('\n')) {
      const m = /^>[ \t]*(.*)$/.exec(line);
      if (!m) continue;
      if (/^(?:`{3,}|~{3,})/.test(m[1]!)) {
        inCode = !inCode;
        continue;
      }
      if (inCode || /^[—-]/.test(m[1]!) || !m[1]!.trim()) continue;
      const marker = /(?:【(\d+)】|\[(\d+)\])\s*$/.exec(m[1]!);
      quotes.push({ sentence: m[1]!, n: marker ? Number(marker[1] ?? marker[2]) : null });
    }
  }
  // The citation marker is not quoted text (its number is not a page number of the quote).
  return quotes.flatMap((q) =>
    q.sentence
      .replace(/\s*【\d+(?:,\s*\d+)*】/g, '')
      .split(/(?<=[.!?])\s+(?=[A-Z(“"'])/)
      .map((s) => s.trim())
      .filter(Boolean)
      .map((sentence) => ({ sentence, n: q.n })),
  );
}

export interface QuoteNoise {
  sentences: number;
  /** Sentences holding a running header or footer line, a bare page number or a dot leader. */
  noisy: number;
  examples: string[];
}

/**
 * Quoted sentences that carry page furniture. A sentence is checked against the running lines of
 * the pages of the chunk its marker cites (all cited chunks when it has no marker);
 * `runningByFile` holds each cited file's ground truth by file name.
 */
export function quoteNoise(
  response: Pick<SemanticSearchResponse, 'message' | 'citations' | 'chunkReferences'>,
  runningByFile: ReadonlyMap<string, RunningLines>,
): QuoteNoise {
  const pagesOf = (n: number | null) => {
    const cites = n === null ? response.citations : response.citations.filter((c) => c.n === n);
    return cites.map((c) => {
      const ref = response.chunkReferences.find((r) => r.chunkId === c.chunkId);
      const end = ref?.pageEnd ?? c.page;
      const pages = Array.from({ length: end - c.page + 1 }, (_, i) => c.page + i);
      return { fileName: c.fileName, pages };
    });
  };
  const result: QuoteNoise = { sentences: 0, noisy: 0, examples: [] };
  for (const q of quotedSentences(response.message)) {
    result.sentences += 1;
    const furniture =
      hasDotLeader(q.sentence) ||
      pagesOf(q.n).some(({ fileName, pages }) => {
        const running = runningByFile.get(fileName);
        return running !== undefined && runningLineHits(q.sentence, pages, running).length > 0;
      });
    if (furniture) {
      result.noisy += 1;
      if (result.examples.length < 3) result.examples.push(q.sentence.slice(0, 160));
    }
  }
  return result;
}
