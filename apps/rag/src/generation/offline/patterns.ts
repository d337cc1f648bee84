/**
 * The shapes of sentences a student is looking for: definitions ("A factor is a vector object
 * used to…", "…is called a data frame"), uses ("solve() is used to…") and examples.
 */

import { expressionAsked, type Expression } from './expressions.js';

/** Subject words that do not name a term ("It is a…", "This is…"). */
const NOT_A_SUBJECT =
  /^(?:it|this|that|these|those|there|here|they|he|she|we|you|one|which|what|who|each|all|both|such|some|another|its|their|so|now|then|thus|hence|also|note|again|mathematically|similarly|finally|first|second|next|last|the (?:first|second|next|last|following|result|default|latter|former))\b/i;

/** One-word "terms" that name nothing to learn ("The result is…", "The output is…"). */
const GENERIC_TERM =
  /^(?:result|results|output|input|answer|problem|reason|idea|point|way|case|example|thing|rest|goal|aim|effect|difference|name|purpose|question|solution|first|second|last|other)$/i;

export interface Definition {
  /** The term defined, as written ("A factor" → "factor", "data frame"). */
  term: string;
  /** How it is defined. */
  kind: 'is' | 'called' | 'used' | 'entry';
}

/**
 * The term of a reference-manual entry: a quoted or code term opening the sentence, then its
 * description ("‘check’ Perform self-tests (if any).", "`--verbose` Print more."); or a command-line
 * option as option tables print it, unquoted ("-e Exit immediately if…", "--noinform Suppress…").
 */
function entryOf(text: string): string | null {
  const m = /^[‘'`"“]([^‘’'`"“”\s][^‘’'`"“”]{0,38})[’'`"”]:?\s+(?=\p{Lu}\p{Ll})/u.exec(text);
  if (m?.[1] && !/[.!?]$/.test(m[1])) return m[1];
  return /^(--?[A-Za-z][\w-]{0,30})\s+(?=\p{Lu}\p{Ll})/u.exec(text)?.[1] ?? null;
}

/**
 * The term a sentence defines, if it is a definition:
 * - "X is a/an/the/one … " / "X are … that" (X short, not a pronoun);
 * - "… is called X" / "is known as X" / "we call X" / "is referred to as X" / "X is defined as";
 * - "X is used to/for …", "X refers to / means / denotes / stands for …".
 */
export function definitionOf(sentence: string): Definition | null {
  const text = sentence.replace(/\s+/g, ' ').trim();
  const entry = entryOf(text);
  if (entry) return { term: entry, kind: 'entry' };
  const called =
    /\b(?:is|are) (?:called|known as|termed|named|referred to as) (?:an? |the )?[`"“']?([^,;:.()"”]{2,40}?)[`"”']?(?=[,;:.(]|\s(?:and|or|which|that|in|of)\b|$)/i.exec(
      text,
    ) ??
    /\bwe call (?:this|these|them|it|such \w+ )?(?:an? |the )?[`"“']?([^,;:.()"”]{2,40}?)[`"”']?(?=[,;:.(]|$)/i.exec(
      text,
    );
  if (called?.[1]) {
    const term = cleanTerm(called[1]);
    if (term) return { term, kind: 'called' };
  }
  const used =
    /^(?:the |an? )?(.{1,50}?) (?:is|are|can be|may be) used (?:to|for)\b/i.exec(text) ??
    /^(?:the |an? )?(.{1,50}?) (?:refers? to|means|denotes|stands for|represents)\b/i.exec(text);
  if (used?.[1] && !NOT_A_SUBJECT.test(used[1])) {
    const term = cleanTerm(used[1]);
    if (term) return { term, kind: 'used' };
  }
  const is =
    /^(?:the |an? )?(.{1,50}?),? (?:is|are) (?:defined as |simply |essentially |basically )?(?:an?|the|one|any|some|a kind of|a type of|a way|a special|used)\b/i.exec(
      text,
    ) ??
    /^(?:the |an? )?(.{1,50}?) (?:is|are) defined (?:as|to be|by)\b/i.exec(text) ??
    // "Data frames are lists of…": a plural subject and a plural noun.
    /^(?:the )?(.{1,50}?s) are (?:\w+ )?\w{3,}s\b(?! (?:to|by|with|in|on|for)\b)/i.exec(text);
  if (is?.[1] && !NOT_A_SUBJECT.test(is[1])) {
    const term = cleanTerm(is[1]);
    if (term) return { term, kind: 'is' };
  }
  return null;
}

/** A defined term: short, no clause inside, without leading articles or trailing punctuation. */
function cleanTerm(raw: string): string | null {
  const term = raw
    .replace(/^(?:the|an?|so-called)\s+/i, '')
    .replace(/[\s,;:]+$/, '')
    .replace(/^[`"“']|[`"”']$/g, '')
    // "the function solve()" / "the solve() function" → "solve()".
    .replace(
      /^(?:function|command|routine|method|operator|keyword|option|module|package)\s+(?=\S*[()._])/i,
      '',
    )
    .replace(
      /(?<=[()._]\S*)\s+(?:function|command|routine|method|operator|keyword|option|module|package)$/i,
      '',
    )
    .trim();
  const words = term.split(/\s+/);
  if (term.length < 2 || words.length > 5) return null;
  // A term starts with a letter (or is code), has no clause punctuation, and names something.
  if (!/^[\p{L}_`]/u.test(term) || /[,;/[\]{}]/.test(term) || GENERIC_TERM.test(term)) return null;
  if ((term.match(/\(/g) ?? []).length !== (term.match(/\)/g) ?? []).length) return null;
  if (/\b(?:is|are|was|were|be|has|have|can|will|if|when|because|which|that)\b/i.test(term)) return null;
  if (NOT_A_SUBJECT.test(term)) return null;
  if (!/[\p{L}]/u.test(term)) return null;
  return term;
}

/** Words that mark a sentence as an example or as showing how to do something. */
export const EXAMPLE_CUE =
  /\b(?:for example|for instance|e\.g\.|example|such as|as follows|the following|consider)\b|:$/i;
export const HOW_CUE =
  /\b(?:use|uses|using|call|calls|type|run|runs|enter|specify|specifies|set|sets|command|function|routine|option|syntax|to \w+ (?:a|an|the)\b|can be)\b/i;
/** What a thing is for: "provides a way to", "lets you", "allows you to", "is useful for". */
export const PURPOSE_CUE =
  /\b(?:provides? (?:a|an|the) (?:way|means|mechanism) (?:to|of|for)|lets? you|allows? (?:you|the user|users) to|enables? you|is useful (?:for|to|when)|serves to|is meant (?:to|for)|is (?:intended|designed) (?:to|for)|the purpose of)\b/i;

/**
 * Code written inside a sentence: a backslash command (`\q`, `\usepackage`), a call (`Mod(2,n)`),
 * a snake_case name, a bracketed list (`[1,2,3]~`), an option (`-f`, `--output`), an assignment
 * (`a = 3`, `x <- 1`) or a quoted identifier (‘--verbose’).
 */
export function hasInlineCode(text: string): boolean {
  return (
    /\\[A-Za-z]+/.test(text) ||
    /[\p{L}_][\p{L}\p{N}_.]*\([^()\s][^()]*\)/u.test(text) ||
    /\b[A-Za-z]+_[A-Za-z0-9_]+\b/.test(text) ||
    /\[[^\]]*[,:;][^\]]*\]/.test(text) ||
    /(?:^|\s)--?[a-zA-Z][\w-]*(?=[\s.,;:)]|$)/.test(text) ||
    /(?:^|\s)[A-Za-z_]\w*\s?(?:=|<-|:=)\s?\S/.test(text) ||
    /[‘`][^’`\s]{1,30}[’`]/.test(text)
  );
}

/**
 * The symbols a question asks about, standalone tokens without letters or digits ("What does the %
 * sign mean?" → "%", "the difference between -- and .." → "--", "..").
 */
export function symbolsOf(question: string): string[] {
  const out = new Set<string>();
  for (const token of question.split(/\s+/)) {
    const t = token.replace(/^["“‘'(]+|["”’'),;?!]+$/g, '');
    if (t.length >= 1 && t.length <= 3 && !/[\p{L}\p{N}\s]/u.test(t) && !/^[.?!,;:'"-]$/.test(t)) out.add(t);
  }
  return [...out];
}

/** Whether a text holds a symbol as a token of its own (not inside a word or a longer symbol run). */
export function hasSymbol(text: string, symbol: string): boolean {
  const escaped = symbol.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|[\\s(\\[{‘'"“])${escaped}(?=$|[\\s)\\]},;:’'"”]|\\.(?:\\s|$))`, 'u').test(text);
}

/**
 * Whether a text says what `name` means anywhere in it, not only at its start ("Type … immediately
 * after; % means the result of the last computed expression", "where $# is the number of…").
 */
export function saysWhatItMeans(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `(?:^|[\\s;:,(‘'"“])${escaped}[’'"”]?\\s+(?:means|denotes|stands for|refers to|represents|is short for|is (?:an? |the )?(?:abbreviation|shorthand|synonym) for)\\b`,
    'iu',
  ).test(text);
}

const NAMED_KINDS =
  'function|command|option|variable|keyword|routine|method|operator|flag|setting|package|module|macro|target|program|tool|switch';

/** "Which function / command / option …", "what command …": the answer is a name, written as code. */
export function asksForName(question: string): boolean {
  return kindAskedFor(question) !== null;
}

/** The kind of name a question asks for ("Which function should I use…" → "function"), or null. */
export function kindAskedFor(question: string): string | null {
  const m = new RegExp(`\\b(?:which|what)\\s+(?:\\w+\\s+)?(${NAMED_KINDS})s?\\b`, 'i').exec(question);
  return m?.[1]?.toLowerCase() ?? null;
}

/**
 * Whether a text names something of that kind as code: the kind word next to a name written as code
 * ("the GNU function getopt_long", "the ‘--verbose’ option", "the tex() command").
 */
export function namesAsCode(text: string, kind: string): boolean {
  const name = String.raw`(?:[‘'"\`][^’'"\`\s]{1,40}[’'"\`]|-{1,2}[A-Za-z][\w-]*|[A-Za-z_][\w.]*(?:_\w+|\(\)|\.\w+))`;
  return new RegExp(`\\b${kind}s?\\s+${name}(?=[\\s.,;:)]|$)|${name}\\s+${kind}\\b`, 'i').test(text);
}

/**
 * Openings that lean on the sentence before: a pronoun or link word ("This", "It", "However",
 * "Thus"), also after an adverb ("Ordinarily it is set to TRUE", "Usually, this…").
 */
export const LEANS_BACK = new RegExp(
  [
    '^(?:this|these|that|those|it|its|they|their|such|however|thus|hence|therefore|also|then|here|in this case|in that case|similarly|likewise|otherwise|moreover|furthermore|instead|alternatively|consequently|as a result|for this reason)\\b',
    '^\\p{L}+ly,?\\s+(?:this|these|it|they)\\s+(?!\\p{L}+ly\\b)',
  ].join('|'),
  'iu',
);

export type QuestionKind = 'what' | 'how' | 'why' | 'other';

/** The expressions a "how …" question can ask for that are measures: how often, how long, how many, how soon. */
const MEASURES: ReadonlySet<Expression | null> = new Set<Expression>([
  'frequency',
  'extent',
  'quantity',
  'time',
]);

export function questionKind(question: string): QuestionKind {
  const q = question.trim().toLowerCase();
  if (/^(?:why|what is the reason|for what reason)\b/.test(q) || /\bwhy\b/.test(q)) return 'why';
  // "How often / how long / how many / how soon…" asks for a measure, not for a way to do something.
  const measure = /^how\b/.test(q) && MEASURES.has(expressionAsked(q));
  if (
    (/^(?:how|in what way)\b/.test(q) && !measure) ||
    /\bhow (?:do|does|can|could|should|would|to|is|are)\b/.test(q)
  )
    return 'how';
  // "What happens if…" asks for a consequence, not for what something is.
  if (/^what (?:happens|will happen|would happen|if)\b/.test(q)) return 'other';
  if (
    /^(?:what|which|who|define|definition|meaning)\b/.test(q) ||
    /\b(?:what (?:is|are|does)|meaning of|definition of|stand for|mean)\b/.test(q)
  )
    return 'what';
  return 'other';
}

/**
 * What a "what is…" question asks about: "What is the net ATP yield of glycolysis?" → "net ATP
 * yield", "What does attach() do?" → "attach()", "define osmosis" → "osmosis"; null for other questions.
 */
export function questionFocus(question: string): string | null {
  const q = question.trim().replace(/[?.!]+$/, '');
  const m =
    /^(?:what|who|which)\s+(?:is|are|was|were)\s+(?:an?\s+|the\s+)?(.+?)(?:\s+(?:of|in|for|from|used|called|when|that|which)\b.*)?$/i.exec(
      q,
    ) ??
    /^what\s+(?:does|do)\s+(?:an?\s+|the\s+)?(.+?)\s+(?:mean|do|does|stand for|return|represent)\b/i.exec(
      q,
    ) ??
    /^(?:define|definition of|meaning of|explain)\s+(?:an?\s+|the\s+)?(.+)$/i.exec(q) ??
    /^(?:what(?:'s| is) meant by)\s+(?:an?\s+|the\s+)?(.+)$/i.exec(q);
  const focus = m?.[1]?.trim();
  return focus && focus.length > 0 ? focus : null;
}
