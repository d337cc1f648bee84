import { stemmer } from 'stemmer';
import { eng } from 'stopword';

/**
 * Words as the offline answer engine compares them: lowercased, stop words out, Porter-stemmed.
 * Code-like words (`read.csv`, `t.test`, `is.na`, `__init__`) stay whole, because a student types
 * them exactly and they are the rarest, most telling terms of a technical question.
 */

/** Words that carry no topic in a student's question, on top of the usual English stop words. */
const QUESTION_WORDS = [
  'what',
  'which',
  'who',
  'whom',
  'whose',
  'why',
  'how',
  'when',
  'where',
  'does',
  'do',
  'did',
  'is',
  'are',
  'was',
  'were',
  'can',
  'could',
  'should',
  'would',
  'will',
  'may',
  'might',
  'must',
  'i',
  'me',
  'my',
  'you',
  'your',
  'we',
  'us',
  'our',
  'it',
  'its',
  'this',
  'that',
  'these',
  'those',
  'there',
  'a',
  'an',
  'the',
  'of',
  'to',
  'in',
  'on',
  'for',
  'with',
  'by',
  'as',
  'at',
  'from',
  'about',
  'into',
  'or',
  'and',
  'not',
  'no',
  'if',
  'so',
  'than',
  'then',
  'tell',
  'explain',
  'describe',
  'give',
  'show',
  'say',
  'says',
  'said',
  'mean',
  'means',
  'meaning',
  'define',
  'definition',
  'please',
  'use',
  'using',
  'used',
  'way',
  'ways',
  'get',
  'make',
  'example',
  'examples',
  'quiz',
  'flashcards',
  'flashcard',
  'questions',
  'question',
  'summary',
  'summarize',
  'summarise',
  'guide',
  'study',
  'quote',
  'exact',
  'text',
  'document',
  'material',
  'book',
  'manual',
  'chapter',
  'section',
  'page',
];

const STOP = new Set([...eng, ...QUESTION_WORDS]);

/** Words whose presence says nothing about the topic (for sentences too: "the", "of", "is"). */
export function isStopWord(word: string): boolean {
  return STOP.has(word.toLowerCase());
}

/** A word-like token: letters/digits, optionally joined by `.` or `_` inside (`read.csv`, `is_na`). */
const TOKEN = /[\p{L}\p{N}_]+(?:[._][\p{L}\p{N}_]+)*/gu;

/** Whether a token is code-like and must be matched whole (a dot or underscore inside, not a number). */
export function isCodeToken(token: string): boolean {
  return /[._]/.test(token) && !/^[\d.]+$/.test(token);
}

/** The tokens of a text, lowercased, in order (stop words included). */
export function tokens(text: string): string[] {
  return (text.toLowerCase().match(TOKEN) ?? []).map((t) => t.replace(/^_+|_+$/g, '') || t);
}

/** Stems by word: the same few thousand words come back in every answer. Bounded, then started over. */
const STEMS = new Map<string, string>();
const MAX_STEMS = 50_000;

function stem(word: string): string {
  let s = STEMS.get(word);
  if (s === undefined) {
    if (STEMS.size >= MAX_STEMS) STEMS.clear();
    s = stemmer(word);
    STEMS.set(word, s);
  }
  return s;
}

/** One token as a term: code-like tokens whole, others Porter-stemmed. */
export function termOf(token: string): string {
  return isCodeToken(token) ? token : stem(token);
}

/**
 * The content terms of a text, in order (repeats kept). A code-like token also contributes its
 * parts (`read.csv` → `read.csv`, `read`, `csv`), so "read csv" still finds it.
 */
export function termsOf(text: string): string[] {
  const out: string[] = [];
  for (const token of tokens(text)) {
    if (STOP.has(token) || token.length === 0) continue;
    if (/^\d+$/.test(token) && token.length > 4) continue;
    out.push(termOf(token));
    if (isCodeToken(token)) {
      for (const part of token.split(/[._]+/)) {
        if (part.length > 1 && !STOP.has(part)) out.push(stem(part));
      }
    }
  }
  return out;
}

/** Term frequencies of a text. */
export function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of termsOf(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}
