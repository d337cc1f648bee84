import { eng } from 'stopword';
import { QUESTION_WORDS, type SearchFocus } from '@classchat/db';

/** A document of the scope, as scope words can name it. */
export interface NamedDocument {
  id: string;
  fileName: string;
}

export interface ScopeWords {
  /** The question without the words that name a part of the material: what is searched for. */
  query: string;
  /** The part named (null: none). Patterns hold only digits, letters and fixed regex syntax. */
  focus: SearchFocus | null;
  /** What was named, as the student wrote it ("chapter 5", "page 17", "R-intro.pdf"), for the answer and logs. */
  named: string[];
}

const ORDINALS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
};

const ROMAN: Record<string, number> = { i: 1, v: 5, x: 10, l: 50, c: 100 };

/** 4 from "iv"; null unless a well-formed small roman numeral. */
function fromRoman(text: string): number | null {
  const s = text.toLowerCase();
  if (!/^[ivxlc]+$/.test(s)) return null;
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const v = ROMAN[s[i]!]!;
    const next = ROMAN[s[i + 1] ?? ''] ?? 0;
    total += v < next ? -v : v;
  }
  return total > 0 && total < 100 ? total : null;
}

const toRoman = (n: number): string => {
  const table: [number, string][] = [
    [90, 'xc'],
    [50, 'l'],
    [40, 'xl'],
    [10, 'x'],
    [9, 'ix'],
    [5, 'v'],
    [4, 'iv'],
    [1, 'i'],
  ];
  let out = '';
  let left = n;
  for (const [v, r] of table) {
    while (left >= v) {
      out += r;
      left -= v;
    }
  }
  return out;
};

/** A title that starts with chapter `n` ("5 Arrays", "5.3 Index…", "Chapter 5: …", "Chapter V"). */
function chapterPattern(n: number): string {
  return `^(chapter|chap\\.?|ch\\.?|part|lecture|unit)?\\s*(${n}|${toRoman(n)})([^0-9a-z]|$)`;
}

/** A title that starts with section `number` ("2.5 Missing values", "§2.5", "Section 2.5", "2.5.1 …"). */
function sectionPattern(number: string): string {
  return `^(section|sect\\.?|sec\\.?|§)?\\s*${number.replaceAll('.', '\\.')}([^0-9]|$)`;
}

/** A title holding every word (by prefix, so "frames" finds "Data frame"), in order. */
function titlePattern(words: readonly string[]): string {
  return words.map((w) => `\\m${w}`).join('.*');
}

/** Words of a title phrase that do not help find it. */
const TITLE_NOISE = new Set(
  'a an the of on in about for to and or this that these those my your its called titled named'.split(' '),
);

const NOT_A_TITLE = new Set([
  ...Object.keys(ORDINALS),
  'last',
  'next',
  'previous',
  'same',
  'following',
  'whole',
  'entire',
  'other',
]);

interface Found {
  /** Where the phrase is in the question, to remove it. */
  start: number;
  end: number;
  named: string;
  pages?: { from: number; to: number };
  pattern?: string;
  documentId?: string;
  /** Named, but its words stay in the searched question. */
  keep?: boolean;
}

function findPages(q: string): Found[] {
  const found: Found[] = [];
  const re =
    /\b(?:on\s+|at\s+)?(?:pages?|pp?\.|pg\.?)\s*(\d{1,4})(?:\s*(?:-|–|—|to|and|through)\s*(\d{1,4}))?\b/gi;
  for (const m of q.matchAll(re)) {
    const from = Number(m[1]);
    const to = m[2] ? Number(m[2]) : from;
    if (from < 1 || to < from || to - from > 50) continue;
    found.push({ start: m.index, end: m.index + m[0].length, named: m[0].trim(), pages: { from, to } });
  }
  return found;
}

function findNumberedParts(q: string): Found[] {
  const found: Found[] = [];
  const chapter =
    /\b(?:in\s+|from\s+|of\s+)?(?:the\s+)?(?:chapter|chap\.|ch\.|lecture|unit|part)\s*(\d{1,3}|[ivxlc]{1,6})\b(?!\.\d)/gi;
  for (const m of q.matchAll(chapter)) {
    const n = /^\d+$/.test(m[1]!) ? Number(m[1]) : fromRoman(m[1]!);
    if (!n) continue;
    found.push({
      start: m.index,
      end: m.index + m[0].length,
      named: m[0].trim(),
      pattern: chapterPattern(n),
    });
  }
  const section =
    /\b(?:in\s+|from\s+|of\s+)?(?:the\s+)?(?:(?:section|sect\.|sec\.|chapter|ch\.)\s*|§\s*)(\d{1,3}(?:\.\d{1,3})+)\b/gi;
  for (const m of q.matchAll(section)) {
    found.push({
      start: m.index,
      end: m.index + m[0].length,
      named: m[0].trim(),
      pattern: sectionPattern(m[1]!),
    });
  }
  const ordinal =
    /\b(?:in\s+|from\s+|of\s+)?the\s+(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\s+(?:chapter|lecture|unit)\b/gi;
  for (const m of q.matchAll(ordinal)) {
    const n = ORDINALS[m[1]!.toLowerCase()]!;
    found.push({
      start: m.index,
      end: m.index + m[0].length,
      named: m[0].trim(),
      pattern: chapterPattern(n),
    });
  }
  const appendix = /\b(?:in\s+|from\s+|of\s+)?(?:the\s+)?appendix\s+([a-z]|\d{1,2})\b/gi;
  for (const m of q.matchAll(appendix)) {
    found.push({
      start: m.index,
      end: m.index + m[0].length,
      named: m[0].trim(),
      pattern: `^appendix\\s*${m[1]!.toLowerCase()}([^0-9a-z]|$)`,
    });
  }
  return found;
}

/** A title word: not an article, preposition or question word (so "the role of the summary chapter" names "summary"). */
const TITLE_WORD = String.raw`(?!(?:the|a|an|of|on|in|at|to|for|about|what|which|how|why|is|are|does|do|this|that|from|with|and|or)\b)[\p{L}\d'-]+`;
const PART = '(?:chapter|section|appendix|lecture)';
const LEAD = String.raw`\b(?:in\s+|from\s+|of\s+)?the\s+`;
const TITLED_BEFORE = new RegExp(`${LEAD}((?:${TITLE_WORD}\\s+){0,3}${TITLE_WORD})\\s+${PART}\\b`, 'giu');
const TITLED_AFTER = new RegExp(
  `${LEAD}${PART}\\s+(?:on|about|called|titled|named|covering)\\s+["“']?((?:${TITLE_WORD}\\s*){1,4}?)["”']?` +
    String.raw`(?=[?,.;:!]|$|\s+(?:say|says|said|explain|explains|describe|describes|mention|mentions|cover|covers|is|are|does|do|and|what|how|why|when|where|which|who)\b)`,
  'giu',
);

/** "the summary chapter", "the section on data frames", "the chapter about lists". */
function findTitledParts(q: string): Found[] {
  const found: Found[] = [];
  for (const re of [TITLED_BEFORE, TITLED_AFTER]) {
    for (const m of q.matchAll(re)) {
      const words = (m[1]!.toLowerCase().match(/[\p{L}\d]+/gu) ?? [])
        .filter((w) => !TITLE_NOISE.has(w))
        .map((w) => w.replace(/[^a-z0-9]/g, ''))
        .filter((w) => w.length >= 3 || /\d/.test(w));
      if (
        words.length === 0 ||
        words.some((w) => NOT_A_TITLE.has(w)) ||
        words.every((w) => /^\d+$/.test(w))
      ) {
        continue;
      }
      // Matched as word prefixes without the ending: "frames" finds "Data frame", "summary" "Summaries".
      const stems = words.map((w) => (w.length > 4 ? w.replace(/(?:ies|es|s|y|e)$/, '') : w));
      found.push({
        start: m.index,
        end: m.index + m[0].length,
        named: m[0].trim(),
        pattern: titlePattern(stems),
      });
    }
  }
  return found;
}

const tokens = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Words that phrase a question without naming anything ("what", "is", "explain", "tell me about"). */
const FUNCTION_WORDS = new Set([...eng, ...QUESTION_WORDS.split(' ')]);

/** Nouns that make the words before them a reference to a file ("the R intro manual"). */
const FILE_NOUN = String.raw`(?:\s+(?:manual|book|document|doc|pdf|file|notes|guide|slides|handout|reading|spec|specification|paper))?`;

/**
 * The documents a question names: by file name ("R-intro.pdf"), or by the words of its name without
 * the extension ("the R intro manual", "in lecture3"), when those are distinctive enough not to be an
 * ordinary word of a question (two words or more, or one with a digit or of six letters or more).
 * The name is taken out of the searched words when it reads as a reference to the file (the file
 * name, a name of several words, one written with a digit or separator, or followed by "manual",
 * "notes"…): "what do the GNU coding standards say about X" searches for X. A one-word name is taken
 * out too when the rest of the question names something ("how do I zoom in gnuplot" searches for
 * zoom): the document's name is on nearly every page of it, so as a searched word it only favours
 * pages that repeat it. It stays when the question is little more than the name ("what is
 * gnuplot?"), whose answer is the page that introduces it.
 */
function findDocuments(q: string, documents: readonly NamedDocument[]): Found[] {
  const found: Found[] = [];
  const lower = q.toLowerCase();
  // "in R-intro.pdf", "of the R intro manual": the preposition goes with the name.
  const leadIn = (at: number) =>
    at - (/(?:\b(?:in|of|from)\s+)?(?:\bthe\s+)?$/i.exec(q.slice(0, at))?.[0].length ?? 0);
  for (const doc of documents) {
    const full = doc.fileName.toLowerCase();
    const at = lower.indexOf(full);
    if (full.length >= 3 && at !== -1) {
      found.push({ documentId: doc.id, start: leadIn(at), end: at + full.length, named: doc.fileName });
      continue;
    }
    const stem = tokens(doc.fileName.replace(/\.[a-z0-9]{1,5}$/i, ''));
    const distinctive =
      stem.length >= 2 || (stem.length === 1 && (/\d/.test(stem[0]) || stem[0].length >= 6));
    if (!distinctive) continue;
    const name = new RegExp(
      `(?<![\\p{L}\\p{N}])(${stem.join('[\\s_.-]*')})(?![\\p{L}\\p{N}])(${FILE_NOUN})`,
      'iu',
    );
    const m = name.exec(q);
    if (!m) continue;
    const reference = stem.length >= 2 || /[\d_.-]/.test(m[1]!) || m[2]!.length > 0;
    const rest = `${q.slice(0, m.index)} ${q.slice(m.index + m[0].length)}`;
    const removed = reference || tokens(rest).some((w) => w.length > 1 && !FUNCTION_WORDS.has(w));
    found.push({
      documentId: doc.id,
      start: removed ? leadIn(m.index) : m.index,
      end: m.index + m[0].length,
      named: m[0],
      keep: !removed,
    });
  }
  return found;
}

/**
 * The part of the material a question names — chapters, sections, pages, a section by its title
 * ("the summary chapter"), documents — as a search focus, and the question without those words.
 * Pure. Pages are the file's physical pages, as citations show them.
 */
export function readScopeWords(question: string, documents: readonly NamedDocument[] = []): ScopeWords {
  const pages = findPages(question);
  const parts = [...findNumberedParts(question), ...findTitledParts(question)];
  const docs = findDocuments(question, documents);
  // A file name wins over a chapter read in it ("lecture3.md" is not chapter 3).
  const all = [...docs, ...pages, ...parts].sort((a, b) => a.start - b.start || b.end - a.end);
  if (all.length === 0) return { query: question, focus: null, named: [] };

  // Remove each phrase once (overlaps: the first, longest wins).
  let query = '';
  let at = 0;
  const kept: Found[] = [];
  for (const f of all) {
    if (f.start < at) continue;
    if (!f.keep) {
      query += `${question.slice(at, f.start)} `;
      at = f.end;
    }
    kept.push(f);
  }
  query += question.slice(at);

  const focus: SearchFocus = {};
  const keptPages = kept.flatMap((f) => (f.pages ? [f.pages] : []));
  const patterns = kept.flatMap((f) => (f.pattern ? [f.pattern] : []));
  const docIds = kept.flatMap((f) => (f.documentId ? [f.documentId] : []));
  if (keptPages.length) focus.pages = keptPages;
  if (patterns.length) focus.sectionPatterns = [...new Set(patterns)];
  if (docIds.length) focus.documentIds = [...new Set(docIds)];
  return {
    query: query.replace(/\s+/g, ' ').trim(),
    focus,
    named: kept.map((f) => f.named),
  };
}
