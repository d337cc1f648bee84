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
}

/** The chosen sentences with their context, grouped by paragraph, in reader's order. */
export function answerGroups(
  corpus: Corpus,
  chosen: readonly ScoredSentence[],
  relevant: (s: Sentence) => boolean = () => false,
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
    const group = groups.get(key) ?? { role: c.role, score: 0, sentences: [], code: null };
    for (const s of around) {
      quoted.add(s.id);
      if (!group.sentences.includes(s)) group.sentences.push(s);
    }
    group.score = Math.max(group.score, c.score);
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
    (best, g) => (!best || g.sentences[0]!.passage < best.sentences[0]!.passage ? g : best),
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
    const inline: PhrasingContent[] = [];
    const before = g.sentences[0]!.codeBefore;
    let firstN = 0;
    g.sentences.forEach((s, i) => {
      const isLast = i === g.sentences.length - 1;
      const start = i === 0 && before ? before.start : s.start;
      const end = isLast && g.code ? g.code.end : s.end;
      const n = cites.cite(corpus.passages[s.passage]!, start, end);
      if (i === 0) firstN = n;
      if (i > 0) inline.push(text(' '));
      inline.push(...sentenceInline(s), cited(n));
    });
    const children: BlockContent[] = [];
    if (before) children.push(codeBlock(before.text, before.lang));
    children.push(paragraph(inline));
    if (g.code) children.push(codeBlock(g.code.text, g.code.lang));
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
  const chosen = selectSentences(corpus, question, weights, {
    max: options.max,
    ...(options.exclude ? { exclude: options.exclude } : {}),
  });
  if (chosen.length === 0) return null;
  // A neighbour that shares the question's rarer words goes on with the answer.
  const rare = new Set(weights.terms.filter((t) => weights.weight(t) >= 1));
  const groups = answerGroups(corpus, chosen, (s) => s.terms.some((t) => rare.has(t)));
  const body = serialize(renderGroups(corpus, groups, cites));
  return { markdown: `${options.lead}\n\n${body}`, chosen };
}
