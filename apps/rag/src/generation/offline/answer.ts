import type { BlockContent, PhrasingContent, RootContent } from 'mdast';
import type { CitationList } from './cite.js';
import { paragraphOf, type Corpus, type Sentence } from './model.js';
import {
  blockquote,
  cited,
  codeBlock,
  pagesLabel,
  paragraph,
  sentenceInline,
  serialize,
  text,
} from './render.js';
import { selectSentences, withContext, type Role, type ScoredSentence } from './select.js';
import type { QueryWeights } from './weights.js';

/**
 * The offline answer to a question: the sentences of the material that answer it, each quoted
 * verbatim with its own citation, with the sentence before it when it leans on it and the code
 * example that follows it, grouped by passage and ordered as a reader would take them (what it is,
 * how to do it, an example).
 */

export const ANSWER_LEAD =
  '_Offline answer (no language model is configured): the sentences of your material that answer this, quoted word for word._';

export interface QuoteGroup {
  role: Role;
  score: number;
  sentences: Sentence[];
  /** The example that follows the group's last sentence. */
  code: Sentence['code'];
  /** It holds a sentence that may lead the answer. */
  mayLead: boolean;
}

/** The chosen sentences with their context, grouped by paragraph, in reader's order. */
export function answerGroups(
  corpus: Corpus,
  chosen: readonly ScoredSentence[],
  relevant: (s: Sentence) => boolean = () => false,
  mayLead: (c: ScoredSentence) => boolean = () => true,
): QuoteGroup[] {
  const groups = new Map<number, QuoteGroup>();
  // A sentence is quoted once, in the first group that takes it as context.
  const quoted = new Set<number>();
  for (const c of chosen) {
    const around = withContext(corpus, c.sentence, relevant).filter(
      (s) => s === c.sentence || !quoted.has(s.id),
    );
    if (quoted.has(c.sentence.id)) continue;
    const key = c.sentence.paragraph;
    const group = groups.get(key) ?? { role: c.role, score: 0, sentences: [], code: null, mayLead: false };
    for (const s of around) {
      quoted.add(s.id);
      if (!group.sentences.includes(s)) group.sentences.push(s);
    }
    group.score = Math.max(group.score, c.score);
    group.mayLead ||= mayLead(c);
    if (c.role === 'definition' || (c.role === 'example' && group.role === 'how')) group.role = c.role;
    groups.set(key, group);
  }
  const list = [...groups.values()];
  for (const g of list) {
    g.sentences.sort((a, b) => a.id - b.id);
    const last = g.sentences.at(-1)!;
    const para = paragraphOf(corpus, last);
    // The example that closes the paragraph, when the group reaches the paragraph's end.
    if (last.lastInParagraph || para.at(-1) === last) g.code = last.code;
    if (g.code && g.role === 'how' && g.sentences.every((s) => s.words < 25)) g.role = 'example';
  }
  const order: Record<Role, number> = { definition: 0, how: 1, example: 2 };
  const sorted = list.sort((a, b) => order[a.role] - order[b.role] || b.score - a.score);
  // The passage retrieval ranked first leads when it answers: its page is the one a student is
  // most likely looking for. The rest follow in reader's order.
  const lead = sorted.reduce<QuoteGroup | null>(
    (best, g) => (g.mayLead && (!best || g.sentences[0]!.passage < best.sentences[0]!.passage) ? g : best),
    null,
  );
  return lead ? [lead, ...sorted.filter((g) => g !== lead)] : sorted;
}

/** Renders groups as block quotes: sentences each with its marker, the example, then the source. */
export function renderGroups(
  corpus: Corpus,
  groups: readonly QuoteGroup[],
  cites: CitationList,
): RootContent[] {
  return groups.map((g) => {
    const passage = corpus.passages[g.sentences[0]!.passage]!;
    let inline: PhrasingContent[] = [];
    const before = g.sentences[0]!.codeBefore;
    const children: BlockContent[] = [];
    if (before) children.push(codeBlock(before.text, before.lang));
    let firstN = 0;
    g.sentences.forEach((s, i) => {
      const isLast = i === g.sentences.length - 1;
      // The example of a sentence inside the group (the next one leans back on it) stands where it is.
      const code = isLast ? g.code : s.code;
      const start = i === 0 && before ? before.start : s.start;
      const n = cites.cite(corpus.passages[s.passage]!, start, code ? code.end : s.end);
      if (i === 0) firstN = n;
      if (inline.length > 0) inline.push(text(' '));
      inline.push(...sentenceInline(s), cited(n));
      if (code) {
        children.push(paragraph(inline), codeBlock(code.text, code.lang));
        inline = [];
      }
    });
    if (inline.length > 0) children.push(paragraph(inline));
    const page = cites.citations[firstN - 1]?.page ?? passage.pageStart;
    children.push(paragraph([text(sourceLine(passage, g.sentences[0]!, page))]));
    return blockquote(children);
  });
}

/** "— 6.3 Data frames · notes.pdf, p. 27" (the page the group's first sentence is on). */
export function sourceLine(
  passage: Corpus['passages'][number],
  s: Pick<Sentence, 'heading'>,
  page: number,
): string {
  const section = passage.sectionPath.length > 0 ? passage.sectionPath.join(' › ') : s.heading;
  const where = `${passage.fileName}, ${pagesLabel(page, page)}`;
  return `— ${section ? `${section} · ` : ''}${where}`;
}

/**
 * The first `max` sentences of the ranking that the answer does not already quote as the context of
 * one before them: a sentence quoted as another's lead-in or follow-up takes no place of its own, so
 * the next one in the ranking does.
 */
export function notQuotedYet(
  corpus: Corpus,
  ranked: readonly ScoredSentence[],
  max: number,
  relevant: (s: Sentence) => boolean,
): ScoredSentence[] {
  const quoted = new Set<number>();
  const out: ScoredSentence[] = [];
  for (const c of ranked) {
    if (out.length >= max) break;
    if (quoted.has(c.sentence.id)) continue;
    out.push(c);
    for (const s of withContext(corpus, c.sentence, relevant)) quoted.add(s.id);
  }
  return out;
}

export interface QuestionAnswer {
  markdown: string;
  chosen: ScoredSentence[];
}

/**
 * The answer's Markdown (lead line, then the quotes), or null when no sentence shares a term with
 * the question. `exclude` leaves out what an earlier version showed.
 */
export function answerQuestion(
  corpus: Corpus,
  question: string,
  weights: QueryWeights,
  cites: CitationList,
  options: { max: number; lead: string; exclude?: (s: Sentence) => boolean },
): QuestionAnswer | null {
  // Ranked twice as far as the answer needs: the places of sentences quoted as context go further down.
  const ranked = selectSentences(corpus, question, weights, {
    max: options.max * 2,
    ...(options.exclude ? { exclude: options.exclude } : {}),
  });
  // A neighbour that shares the question's rarer words goes on with the answer.
  const rare = new Set(weights.terms.filter((t) => weights.weight(t) >= 1));
  const relevant = (s: Sentence) => s.terms.some((t) => rare.has(t));
  const chosen = notQuotedYet(corpus, ranked, options.max, relevant);
  if (chosen.length === 0) return null;
  // A sentence that takes the place of one quoted as context adds to the answer but does not lead it.
  const firstPicks = new Set(ranked.slice(0, options.max));
  const groups = answerGroups(corpus, chosen, relevant, (c) => firstPicks.has(c));
  const body = serialize(renderGroups(corpus, groups, cites));
  return { markdown: `${options.lead}\n\n${body}`, chosen };
}
