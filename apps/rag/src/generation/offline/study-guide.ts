import type { KeyPoint, KeyTerm, StudyGuidePayload, StudyQuestion } from '@classchat/contracts';
import type { RootContent } from 'mdast';
import { centralSentences } from './centrality.js';
import type { CitationList } from './cite.js';
import type { Corpus, Sentence } from './model.js';
import { definitionOf, LEANS_BACK } from './patterns.js';
import { clozeFromSentence, plainOf, questionsFromDefinition, type MadeQuestion } from './questions.js';
import { cited, emphasis, heading, list, paragraph, serialize, strong, text } from './render.js';
import { isContent } from './sections.js';
import { quotable, scoreSentences } from './select.js';
import { termsOf } from './terms.js';
import { corpusIdf, idfWeights } from './weights.js';

/**
 * Study guides and quizzes made from the material: key terms with their defining sentence, the most
 * central sentences, and "check yourself" questions (cloze or short answer) from definitional and
 * central sentences, each tied to the citation of the sentence it came from. Pure.
 */

export interface StudyOptions {
  topic: string | null;
  exclude?: ((s: Sentence) => boolean) | undefined;
}

/** The sentences a guide or quiz may use: whole sentences of content pages, about the topic if one is named. */
export function studyPool(corpus: Corpus, options: StudyOptions): Sentence[] {
  const all = corpus.sentences.filter(
    (s) => isContent(corpus.passages[s.passage]!) && quotable(s) && !(options.exclude?.(s) ?? false),
  );
  if (!options.topic) return all;
  const weights = idfWeights(
    options.topic,
    all.map((s) => s.termSet),
  );
  const about = scoreSentences({ ...corpus, sentences: all }, options.topic, weights)
    .sort((a, b) => b.raw - a.raw)
    .map((c) => c.sentence);
  return about.length >= 3 ? about : all;
}

/** One definition per term, the most central ones first. */
function keyDefinitions(pool: readonly Sentence[], idf: ReadonlyMap<string, number>, k: number) {
  const defs = pool.filter((s) => definitionOf(plainOf(s)) !== null);
  const seen = new Set<string>();
  return centralSentences(defs, idf, { k: defs.length })
    .map((c) => ({ sentence: c.sentence, term: definitionOf(plainOf(c.sentence))!.term }))
    .filter((d) => {
      const key = d.term.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, k);
}

/**
 * Up to `max` questions: both kinds alternating over definitions, then clozes of central sentences
 * (never of one that leans on the sentence before it: "It is the usual way…").
 */
export function makeQuestions(
  definitions: readonly Sentence[],
  central: readonly Sentence[],
  idf: ReadonlyMap<string, number>,
  max: number,
  vocabulary?: ReadonlySet<string>,
  avoid?: ReadonlySet<string>,
): MadeQuestion[] {
  const out: MadeQuestion[] = [];
  const answers = new Set<string>();
  const add = (q: MadeQuestion | null | undefined) => {
    if (!q || out.length >= max) return;
    const key = `${q.kind}:${q.answer.toLowerCase()}`;
    if (answers.has(key) || out.some((o) => o.sentence === q.sentence && o.kind === q.kind)) return;
    answers.add(key);
    out.push(q);
  };
  const fromDefinitions = definitions.map(questionsFromDefinition);
  fromDefinitions.forEach((qs, i) => add(qs[i % 2] ?? qs[0]));
  const keyTerms = fromDefinitions.flatMap((qs) => (qs[0]?.kind === 'cloze' ? [qs[0].answer] : []));
  for (const s of central) {
    if (LEANS_BACK.test(plainOf(s))) continue;
    const used = new Set(out.filter((q) => q.kind === 'cloze').map((q) => q.answer.toLowerCase()));
    add(
      clozeFromSentence(s, idf, keyTerms, {
        used,
        ...(vocabulary ? { vocabulary } : {}),
        ...(avoid ? { avoid } : {}),
      }),
    );
  }
  // Few sentences: the other kind of question of each definition too.
  if (out.length < 5) fromDefinitions.forEach((qs, i) => add(qs[(i + 1) % 2]));
  return out;
}

/**
 * The material's own vocabulary: the terms of its headings and of the terms it defines, and terms
 * found in at least three sentences (nouns, mostly, once common word forms are left out).
 */
export function vocabularyOf(corpus: Corpus, pool: readonly Sentence[]): Set<string> {
  const vocabulary = new Set<string>();
  for (const h of corpus.headings.flat()) for (const t of termsOf(h)) vocabulary.add(t);
  for (const p of corpus.passages)
    for (const title of p.sectionPath) for (const t of termsOf(title)) vocabulary.add(t);
  const seen = new Map<string, number>();
  for (const s of pool) {
    for (const t of s.termSet) seen.set(t, (seen.get(t) ?? 0) + 1);
    const definition = definitionOf(plainOf(s));
    if (definition) for (const t of termsOf(definition.term)) vocabulary.add(t);
  }
  for (const [t, n] of seen) if (n >= 3) vocabulary.add(t);
  return vocabulary;
}

export function toStudyQuestions(
  corpus: Corpus,
  questions: readonly MadeQuestion[],
  cites: CitationList,
): StudyQuestion[] {
  return questions.map((q) => {
    const n = cites.cite(corpus.passages[q.sentence.passage]!, q.sentence.start, q.sentence.end);
    const citation = cites.citations[n - 1]!;
    return {
      kind: q.kind,
      prompt: q.prompt,
      answer: q.answer,
      source: plainOf(q.sentence),
      citation: n,
      fileName: citation.fileName,
      page: citation.page,
    };
  });
}

export const STUDY_GUIDE_LEAD =
  '_Offline study guide (no language model is configured): key terms, key points and questions made from your material._';

export function studyGuide(
  corpus: Corpus,
  cites: CitationList,
  options: StudyOptions,
): { markdown: string; study: StudyGuidePayload } | null {
  const pool = studyPool(corpus, options);
  if (pool.length === 0) return null;
  const idf = corpusIdf(pool.map((s) => s.termSet));
  const definitions = keyDefinitions(pool, idf, 8);
  const defined = new Set(definitions.map((d) => d.sentence));
  const central = centralSentences(
    pool.filter((s) => !defined.has(s)),
    idf,
    { k: 6 },
  )
    .map((c) => c.sentence)
    .sort((a, b) => a.id - b.id);
  const inOrder = [...definitions].sort((a, b) => a.sentence.id - b.sentence.id);
  const cite = (s: Sentence) => cites.cite(corpus.passages[s.passage]!, s.start, s.end);
  const keyTerms: KeyTerm[] = inOrder.map((d) => ({
    term: d.term,
    definition: plainOf(d.sentence),
    citation: cite(d.sentence),
  }));
  const keyPoints: KeyPoint[] = central.map((s) => ({
    text: plainOf(s),
    citation: cite(s),
    section: sectionOf(corpus, s),
  }));
  const questions = toStudyQuestions(
    corpus,
    makeQuestions(
      inOrder.map((d) => d.sentence),
      central,
      idf,
      8,
      vocabularyOf(corpus, pool),
    ),
    cites,
  );
  if (keyTerms.length + keyPoints.length === 0) return null;
  return {
    markdown: `${STUDY_GUIDE_LEAD}\n\n${serialize(studyGuideBlocks(keyTerms, keyPoints, questions))}`,
    study: { kind: 'study_guide', topic: options.topic, keyTerms, keyPoints, questions },
  };
}

/** The guide as Markdown blocks, for clients that do not render the structured guide. */
function studyGuideBlocks(
  keyTerms: KeyTerm[],
  keyPoints: KeyPoint[],
  questions: StudyQuestion[],
): RootContent[] {
  const blocks: RootContent[] = [];
  if (keyTerms.length > 0) {
    blocks.push(heading(3, [text('Key terms')]));
    blocks.push(
      list(keyTerms.map((t) => [paragraph([strong(t.term), text(` — ${t.definition}`), cited(t.citation)])])),
    );
  }
  if (keyPoints.length > 0) {
    blocks.push(heading(3, [text('Key points')]));
    blocks.push(
      list(
        keyPoints.map((p) => [
          paragraph([
            text(p.text),
            cited(p.citation),
            ...(p.section ? [text(' '), emphasis([text(`(${p.section})`)])] : []),
          ]),
        ]),
      ),
    );
  }
  if (questions.length > 0) {
    blocks.push(heading(3, [text('Check yourself')]));
    blocks.push(list(questions.map(questionItem), true));
  }
  return blocks;
}

/** A question with its answer, as Markdown for clients that do not render the structured guide. */
function questionItem(q: StudyQuestion) {
  return [
    paragraph([text(q.prompt)]),
    paragraph([emphasis([text('Answer:')]), text(' '), strong(q.answer), cited(q.citation)]),
  ];
}

export function sectionOf(corpus: Corpus, s: Sentence): string | null {
  const passage = corpus.passages[s.passage]!;
  return passage.sectionPath.at(-1) ?? s.heading;
}
