import type { RootContent } from 'mdast';
import { centralSentences } from './centrality.js';
import type { CitationList } from './cite.js';
import type { Corpus, Sentence } from './model.js';
import { cited, heading, pagesLabel, paragraph, quoteInline, serialize, strong, text } from './render.js';
import { partsAbout, partsOf } from './sections.js';
import { termsOf } from './terms.js';
import { corpusIdf } from './weights.js';

/**
 * The offline summary: the material walked part by part (sections, or chapters, or runs of pages),
 * each with its title, its pages and its one or two most central sentences (centroid scoring),
 * quoted and cited. Tables of contents, indexes and front matter are skipped.
 */

export const SUMMARY_LEAD =
  '_Offline summary (no language model is configured): each part of your material with its most central sentences, quoted._';

export function summary(
  corpus: Corpus,
  cites: CitationList,
  options: { topic: string | null; exclude?: ((s: Sentence) => boolean) | undefined },
): { markdown: string } | null {
  const parts = partsAbout(partsOf(corpus), options.topic);
  const idf = corpusIdf(corpus.sentences.map((s) => s.termSet));
  const documents = new Set(parts.map((p) => p.documentId));
  const blocks: RootContent[] = [];
  let lastDocument: string | null = null;
  for (const part of parts) {
    const members = new Set(part.passages);
    const pool = corpus.sentences.filter((s) => members.has(s.passage));
    const picks = centralSentences(pool, idf, {
      k: pool.length >= 8 ? 2 : 1,
      exclude: options.exclude,
      about: new Set(part.title ? termsOf(part.title.split(' › ').at(-1)!) : []),
    })
      .map((c) => c.sentence)
      .sort((a, b) => a.id - b.id);
    if (picks.length === 0) continue;
    if (documents.size > 1 && part.documentId !== lastDocument) {
      blocks.push(heading(3, [text(part.fileName)]));
      lastDocument = part.documentId;
    }
    const title = part.title ? part.title.split(' › ').at(-1)! : 'Pages';
    const sentences = picks.flatMap((s, i) => [
      ...(i > 0 ? [text(' ')] : []),
      ...quoteInline(s.text, s.markdown),
      cited(cites.cite(corpus.passages[s.passage]!, s.start, s.end)),
    ]);
    blocks.push(
      paragraph([
        strong(title),
        text(` · ${pagesLabel(part.pageStart, part.pageEnd)}`),
        { type: 'break' },
        ...sentences,
      ]),
    );
  }
  if (blocks.length === 0) return null;
  return { markdown: `${SUMMARY_LEAD}\n\n${serialize(blocks)}` };
}
