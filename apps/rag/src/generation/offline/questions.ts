import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { plainText } from './blocks.js';
import type { Sentence } from './model.js';
import { definitionOf, type Definition } from './patterns.js';
import { isCodeToken, isStopWord, termOf } from './terms.js';

/**
 * "Check yourself" questions made from sentences of the material:
 * - from a definition ("A factor is a vector object used to…"): a cloze with the term blanked, or
 *   the short-answer question "What is a factor?" answered by the sentence;
 * - from a central sentence: a cloze blanking its most telling word (a key term, a code-like word,
 *   else the rarest word).
 */

export const GAP = '_____';

export interface MadeQuestion {
  kind: 'cloze' | 'short_answer';
  prompt: string;
  answer: string;
  sentence: Sentence;
}

/** A sentence as plain text (a Markdown sentence without its syntax). */
export function plainOf(s: Pick<Sentence, 'text' | 'markdown'>): string {
  if (!s.markdown) return s.text;
  const tree: Root = fromMarkdown(s.text);
  return tree.children.map(plainText).join(' ').replace(/\s+/g, ' ').trim();
}

/** `text` with the first whole-word occurrence of `term` (any case) replaced by the gap; null if absent. */
export function blankOut(text: string, term: string): string | null {
  const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  const re = new RegExp(`(^|[^\\p{L}\\p{N}_.])${escaped}(?=$|[^\\p{L}\\p{N}_])`, 'iu');
  const m = re.exec(text);
  if (!m) return null;
  const at = m.index + m[1]!.length;
  return `${text.slice(0, at)}${GAP}${text.slice(at + m[0].length - m[1]!.length)}`;
}

export function clozeFromDefinition(s: Sentence, definition: Definition): MadeQuestion | null {
  const plain = plainOf(s);
  const prompt = blankOut(plain, definition.term);
  if (!prompt || prompt.length - GAP.length < 20) return null;
  return { kind: 'cloze', prompt, answer: definition.term, sentence: s };
}

export function shortAnswerFromDefinition(s: Sentence, definition: Definition): MadeQuestion {
  const term = definition.term;
  const plural = new RegExp(`${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+are\\b`, 'i').test(s.text);
  const named = isCodeToken(term.toLowerCase()) || /[()]/.test(term) ? `\`${term}\`` : term;
  const prompt =
    definition.kind === 'used'
      ? `What ${plural ? 'are' : 'is'} ${named} used for?`
      : plural
        ? `What are ${named}?`
        : `What is ${/^[\p{Lu}\d]/u.test(term) || isCodeToken(term.toLowerCase()) ? '' : article(term)}${named}?`;
  return { kind: 'short_answer', prompt, answer: plainOf(s), sentence: s };
}

const article = (term: string) => (/^[aeiou]/i.test(term) ? 'an ' : 'a ');

/** Words too general to be worth a gap ("whole", "rather", "usual"). */
const GENERAL =
  /^(?:whole|rather|usual|usually|other|another|same|different|several|various|many|much|more|most|less|least|first|second|third|last|next|following|given|certain|simple|simply|just|only|also|even|still|often|always|never|sometimes|however|therefore|thus|instead|because|since|while|where|which|there|their|these|those|about|above|below|under|between|through|without|within|example|examples|number|numbers|value|values|thing|things|way|ways|part|parts|case|cases|kind|kinds|type|types|form|forms|order|point|points|time|times|called|using|use|uses|used|makes|gives|takes|works|shows|means|allows|provides|contains|specifies|specify|returns|create|creates|useful|possible|important|available|necessary|easy|hard|general|special|usual|common|good|better|best|fun|whose|entire|exactly|fact)$/i;

/** Word forms that are rarely the thing to remember: adverbs, participles, adjectives in -ful. */
const NOT_A_NOUN_FORM = /(?:ly|ing|ed|ful|ous|ive|able|ible)$/i;

/**
 * A cloze of a central sentence: blanks a key term it contains (longest first), else its most
 * telling word: a code-like word, else a word of the material's own vocabulary (`vocabulary`: terms
 * of headings and definitions, or seen in several sentences), rarest first. Answers in `used` are not
 * asked again.
 */
export function clozeFromSentence(
  s: Sentence,
  idf: ReadonlyMap<string, number>,
  keyTerms: readonly string[],
  options: {
    vocabulary?: ReadonlySet<string>;
    used?: ReadonlySet<string>;
    /** Terms not worth a gap (the quiz's own topic: every question would have the same answer). */
    avoid?: ReadonlySet<string>;
  } = {},
): MadeQuestion | null {
  const plain = plainOf(s);
  const fresh = (answer: string) => !(options.used?.has(answer.toLowerCase()) ?? false);
  // Words of a key term the sentence holds are only ever blanked as the whole term ("data frame").
  const inTerms = new Set<string>();
  for (const term of [...keyTerms].sort((a, b) => b.length - a.length)) {
    const prompt = blankOut(plain, term);
    if (!prompt) continue;
    if (fresh(term)) return { kind: 'cloze', prompt, answer: term, sentence: s };
    for (const w of term.toLowerCase().split(/\s+/)) inTerms.add(w);
  }
  const words = plain.match(/[\p{L}\p{N}_]+(?:[._][\p{L}\p{N}_]+)*(?:\(\))?/gu) ?? [];
  const candidates = words.filter((w, i) => {
    const lower = w.toLowerCase().replace(/\(\)$/, '');
    if (isStopWord(lower) || /^\d/.test(w) || GENERAL.test(lower) || !fresh(w) || inTerms.has(lower))
      return false;
    if (isCodeToken(lower) || /\(\)$/.test(w)) return true;
    if (NOT_A_NOUN_FORM.test(lower) || options.avoid?.has(termOf(lower))) return false;
    // Not the first word (a capital there says nothing), and a word of the material's vocabulary.
    return i > 0 && w.length >= 4 && (options.vocabulary?.has(termOf(lower)) ?? true);
  });
  const weight = (w: string) => {
    const lower = w.toLowerCase().replace(/\(\)$/, '');
    return (isCodeToken(lower) || /\(\)$/.test(w) ? 10 : 0) + (idf.get(termOf(lower)) ?? 0);
  };
  for (const best of [...candidates].sort((a, b) => weight(b) - weight(a))) {
    const prompt = blankOut(plain, best);
    if (prompt) return { kind: 'cloze', prompt, answer: best, sentence: s };
  }
  return null;
}

/** Both kinds of question a definitional sentence gives, cloze first; [] when it is not one. */
export function questionsFromDefinition(s: Sentence): MadeQuestion[] {
  const definition = definitionOf(plainOf(s));
  if (!definition) return [];
  const cloze = clozeFromDefinition(s, definition);
  return [...(cloze ? [cloze] : []), shortAnswerFromDefinition(s, definition)];
}
