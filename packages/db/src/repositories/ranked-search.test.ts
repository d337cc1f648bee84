import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { email, pageChunks, startDbFixture, type DbFixture } from '../db.test-helpers.js';
import type { DocumentRow, UserRow } from '../schema.js';
import type { ChunkInput, ChunkScope } from './chunks.js';
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { DEFAULT_RANKING, searchTsvSql, type RankingParams } from './ranked-search.js';

let fx: DbFixture;
let user: UserRow;

beforeAll(async () => {
  fx = await startDbFixture();
  user = await fx.repos.users.create({ email: email('ranking'), name: 'R', passwordHash: 'h' });
});
afterAll(() => fx?.stop());

const newDoc = async (classId: string, fileName: string): Promise<DocumentRow> =>
  fx.repos.documents.create({
    userId: user.id,
    classId,
    fileName,
    mimeType: 'application/pdf',
    byteSize: 1,
    sha256: randomUUID(),
    storageKey: randomUUID(),
  });

interface Piece {
  text: string;
  page?: number;
  section?: string[];
  kind?: ChunkInput['pageKind'];
}

/** A class holding one document made of `pieces` (chunk i on page i + 1 unless given). */
async function corpus(pieces: Piece[]): Promise<{ scope: ChunkScope; doc: DocumentRow }> {
  const cls = await fx.repos.classes.create(user.id, `class ${randomUUID()}`);
  const doc = await newDoc(cls.id, 'manual.pdf');
  await fx.repos.chunks.insertForDocument(
    doc,
    pageChunks(pieces.map((p) => p.text)).map((chunk, i) => {
      const { page, section, kind } = pieces[i]!;
      return {
        ...chunk,
        pageStart: page ?? chunk.pageStart,
        pageEnd: page ?? chunk.pageEnd,
        sectionPath: section,
        pageKind: kind,
      };
    }),
  );
  return { scope: { userId: user.id, classId: cls.id }, doc };
}

const firstText = async (scope: ChunkScope, query: string) =>
  (await fx.repos.chunks.fullTextSearch(scope, query, 5)).hits[0]?.text;

/** Filler: chunks full of the words every page of a data manual uses. */
const commonPages = (n: number): Piece[] =>
  Array.from({ length: n }, (_, i) => ({
    text: `Page ${i}: the data file function reads data from the file; a function of the data file returns data.`,
  }));

describe('BM25 ranking', () => {
  it('puts the chunk with the rare word the question is about above chunks full of its common words', async () => {
    const rare = 'A vector holds values of one type.';
    const { scope } = await corpus([...commonPages(8), { text: rare }]);
    const { hits, terms } = await fx.repos.chunks.fullTextSearch(
      scope,
      'How does the data file function handle a vector?',
      5,
    );
    expect(hits[0]!.text).toBe(rare);
    // The scope's weights: the rare term outweighs every common one.
    const idf = Object.fromEntries(terms.map((t) => [t.term, t.idf]));
    expect(idf.vector).toBeGreaterThan(3 * Math.max(idf.data!, idf.file!, idf.function!));
    expect(terms.find((t) => t.term === 'vector')).toMatchObject({ df: 1, words: ['vector'] });
  });

  it('prefers the shorter chunk for the same occurrences, and saturates repeated terms', async () => {
    const short = 'Factors encode categories.';
    const long = `Factors encode categories. ${'Other unrelated words fill this long paragraph about plotting. '.repeat(12)}`;
    const spam = `${'factor '.repeat(30)}then many words on other matters, and categories`;
    const { scope } = await corpus([{ text: long }, { text: short }, { text: spam }, ...commonPages(4)]);
    const { hits } = await fx.repos.chunks.fullTextSearch(scope, 'factors categories', 5);
    expect(hits[0]!.text).toBe(short);
    expect(hits.findIndex((h) => h.text === spam)).toBeGreaterThan(0);
  });

  it('ranks a chunk under a section titled with the question’s words above an equal match elsewhere', async () => {
    const body = 'Vectors can be combined with c() and indexed with brackets.';
    const { scope } = await corpus([
      { text: body, section: ['1 Introduction', '1.4 Notation'] },
      { text: body, section: ['2 Simple manipulations', '2.1 Vectors and assignment'] },
      ...commonPages(4),
    ]);
    const { hits } = await fx.repos.chunks.fullTextSearch(scope, 'what are vectors', 5);
    expect(hits[0]!.sectionPath).toEqual(['2 Simple manipulations', '2.1 Vectors and assignment']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('ranks a section titled only with the question’s words above one whose title mentions them among others', async () => {
    const body = 'The fit command adjusts parameters so that a curve follows measured points.';
    const { scope } = await corpus([
      { text: body, section: ['7 Commands', '7.3 Fit, smooth, filter and other data commands'] },
      { text: body, section: ['7 Commands', '7.4 Fit'] },
      ...commonPages(4),
    ]);
    const { hits } = await fx.repos.chunks.fullTextSearch(scope, 'how do I fit a curve?', 5);
    expect(hits[0]!.sectionPath).toEqual(['7 Commands', '7.4 Fit']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('takes no terms from contractions ("I’m", "you’ve"), so a page full of "m" does not win', async () => {
    const answer = 'To leave the program, type quit.';
    const noise = 'Sizes in m and cm: 1 m is 100 cm; m m m.';
    const { scope } = await corpus([{ text: noise }, { text: answer }, ...commonPages(3)]);
    const { hits, terms } = await fx.repos.chunks.fullTextSearch(
      scope,
      "How do I quit when I’m done? I've tried",
      5,
    );
    expect(terms.map((t) => t.term)).not.toContain('m');
    expect(terms.map((t) => t.term)).not.toContain('ve');
    expect(hits[0]!.text).toBe(answer);
  });

  it('ranks words that stand together in the question and the text above the same words apart', async () => {
    const together = 'Use a data frame to hold variables of different types, one column each.';
    const apart =
      'The frame of the plot is drawn first. Other data comes later, after legends and axes are done.';
    const { scope } = await corpus([{ text: apart }, { text: together }, ...commonPages(3)]);
    expect(await firstText(scope, 'data frame')).toBe(together);
  });

  it('ranks table-of-contents and index pages below a body page that explains the words', async () => {
    const toc =
      'Contents 2.1 Vectors and assignment 8 2.2 Vector arithmetic 9 6.3 Data frames 27 vectors 8, 9, 12';
    const body = 'Vector arithmetic works element by element on vectors.';
    const { scope } = await corpus([
      { text: toc, kind: 'toc' },
      { text: body },
      { text: toc.replace('Contents', 'Index'), kind: 'index' },
      ...commonPages(3),
    ]);
    const { hits } = await fx.repos.chunks.fullTextSearch(scope, 'vector arithmetic on vectors', 5);
    expect(hits[0]!.text).toBe(body);
    expect(hits.slice(1).map((h) => h.pageKind)).toEqual(expect.arrayContaining(['toc', 'index']));
  });

  it('ranks a bibliography or references section down like an index page, and marks it a listing', async () => {
    const body = 'Splines interpolate points smoothly.';
    const refs =
      'Splines, splines and more splines: Smooth spline interpolation of points (1998); Points and splines (2004).';
    const { scope } = await corpus([
      { text: refs, section: ['Bibliography'] },
      { text: body, section: ['4 Paths', '4.2 Splines'] },
      { text: refs, section: ['7 References'] },
      ...commonPages(3),
    ]);
    const { hits } = await fx.repos.chunks.fullTextSearch(scope, 'spline points', 5);
    expect(hits.map((h) => [h.text, h.listing])).toEqual([
      [body, false],
      [refs, true],
      [refs, true],
    ]);
  });

  it('ranks the chunk that opens a section above the same words further into it', async () => {
    const opening = '3.5 Paths A path joins points with -- for straight lines.';
    const later = 'Later on, a path joins points with -- for straight lines.';
    const { scope } = await corpus([
      { text: later, section: ['3 Tutorial', '3.5 Paths'] },
      { text: opening, section: ['3 Tutorial', '3.5 Paths'] },
      ...commonPages(3),
    ]);
    expect(await firstText(scope, 'how does a path join points')).toBe(opening);
  });

  it('counts a chunk as opening its section when the title follows its chapter’s headings', async () => {
    // A chapter's first section: its chunk starts with the part and chapter headings, then the title.
    const opening = 'Part I\n\nCHAPTER 1\n\n1.1 Paths\n\nA path joins points with --.';
    const later = 'Part I, chapter 1, 1.1 Paths: a path joins points with --.';
    const { scope } = await corpus([
      { text: later, section: ['Part I', 'Introduction', '1.1 Paths'] },
      { text: opening, section: ['Part I', 'Introduction', '1.1 Paths'] },
      ...commonPages(3),
    ]);
    expect(await firstText(scope, 'how does a path join points')).toBe(opening);
  });

  it('does not count a line that starts with the section’s title word as opening the section', async () => {
    const opening = 'Fit\n\nThe fit command adjusts parameters to data.\n\nfit f(x) "data" via a';
    const example = 'Example:\n\nfit f(x) "data" via a adjusts parameters to data.';
    const { scope } = await corpus([
      { text: example, section: ['Commands', 'Fit'] },
      { text: opening, section: ['Commands', 'Fit'] },
      ...commonPages(3),
    ]);
    const { hits } = await fx.repos.chunks.fullTextSearch(scope, 'how do parameters adjust to data', 5);
    const score = (text: string) => hits.find((h) => h.text === text)!.score;
    // Same words, nearly the same length: only a lead boost would set the example ahead.
    expect(score(opening)).toBeGreaterThan(score(example));
  });

  describe('a section’s opening and the short examples that follow it', () => {
    const opening =
      '8.26 graph\n\nThis module implements two-dimensional linear and logarithmic graphs, with automatic ticks.';
    const example = 'Axes: scale(Log,Log) makes both axes logarithmic; then draw(graph(f,1,10)).';
    const question = 'Which module draws graphs with logarithmic axes?';
    const search = async (pieces: Piece[], openingShare?: number) =>
      (
        await fx.repos.chunks.fullTextSearch((await corpus(pieces)).scope, question, 5, {
          ranking: openingShare === undefined ? {} : { openingShare },
        })
      ).hits;
    const order = async (pieces: Piece[], openingShare?: number) =>
      (await search(pieces, openingShare)).map((h) => h.text);
    const graph = ['8 Base modules', '8.26 graph'];

    it('ranks the opening above a short example of its own section that outscores it', async () => {
      const pieces = [
        { text: opening, section: graph },
        { text: example, section: graph },
        ...commonPages(6),
      ];
      // Without the rule, the example's repeated words win.
      expect((await order(pieces, 1))[0]).toBe(example);
      expect((await order(pieces)).slice(0, 2)).toEqual([opening, example]);
    });

    it('ranks it above a short example of one of its subsections too', async () => {
      const pieces = [
        { text: opening, section: graph },
        { text: example, section: [...graph, 'Logarithmic axes'] },
        ...commonPages(6),
      ];
      expect((await order(pieces)).slice(0, 2)).toEqual([opening, example]);
    });

    it('leaves a short chunk of another section above it', async () => {
      const pieces = [
        { text: opening, section: graph },
        { text: example, section: ['8 Base modules', '8.27 palette'] },
        ...commonPages(6),
      ];
      expect((await order(pieces))[0]).toBe(example);
    });

    it('leaves a long chunk of its section above it', async () => {
      const long = `${example} ${'Each of the logarithmic axes gets ticks at the powers of ten. '.repeat(3)}`;
      const hits = await search([
        { text: opening, section: graph },
        { text: long, section: graph },
        ...commonPages(6),
      ]);
      expect(hits.map((h) => h.text).slice(0, 2)).toEqual([long, opening]);
      // Close enough that a short chunk this far ahead would have been passed.
      expect(hits[1]!.score).toBeGreaterThan(DEFAULT_RANKING.openingShare * hits[0]!.score);
    });

    it('leaves a short chunk on the page the question names above it', async () => {
      const pieces = [
        { text: opening, section: graph, page: 1 },
        { text: example, section: graph, page: 2 },
        ...commonPages(6).map((p, i) => ({ ...p, page: i + 3 })),
      ];
      const { scope } = await corpus(pieces);
      const { hits } = await fx.repos.chunks.fullTextSearch(scope, question, 5, {
        focus: { pages: [{ from: 2, to: 2 }] },
        // Even when the opening scores far less than the named page's chunk.
        ranking: { openingShare: 0.1 },
      });
      expect(hits[0]!.text).toBe(example);
    });

    it('leaves a subsection’s own opening above it', async () => {
      const subsection = `Scales\n\n${example}`;
      const pieces = [
        { text: opening, section: graph },
        { text: subsection, section: [...graph, 'Scales'] },
        ...commonPages(6),
      ];
      // Even when the section's opening scores nearly as well.
      expect((await order(pieces, 0.3))[0]).toBe(subsection);
    });
  });

  it('keeps a chunk’s stored listing and opens-section flags in step with its text, section and page kind', async () => {
    const { doc } = await corpus([
      { text: 'CHAPTER 2\n2.1 Paths\nA path joins points.', section: ['2 Drawing', '2.1 Paths'] },
      { text: 'Paths, 12; points, 14.', section: ['Concept Index'] },
      { text: 'Paths, 12; points, 14.', kind: 'index' },
      { text: 'A path joins points.', section: ['2 Drawing', '2.1 Paths'] },
    ]);
    const flags = async () =>
      (
        await fx.database.pool.query<{ listing: boolean; opens_section: boolean }>(
          'SELECT listing, opens_section FROM chunks WHERE document_id = $1 ORDER BY chunk_index',
          [doc.id],
        )
      ).rows.map((r) => [r.listing, r.opens_section]);
    expect(await flags()).toEqual([
      [false, true],
      [true, false],
      [true, false],
      [false, false],
    ]);
    // An update recomputes them: a section renamed to a listing's title, a text that now opens it.
    await fx.database.pool.query(
      `UPDATE chunks SET section_path = '["7.2. References"]' WHERE document_id = $1 AND chunk_index = 0`,
      [doc.id],
    );
    await fx.database.pool.query(
      `UPDATE chunks SET text = '2.1 Paths: ' || text WHERE document_id = $1 AND chunk_index = 3`,
      [doc.id],
    );
    expect(await flags()).toEqual([
      [true, false],
      [true, false],
      [true, false],
      [false, true],
    ]);
  });

  it('weighs terms by the scope’s size as its documents keep it, through replaced, changed and deleted chunks', async () => {
    const { scope, doc } = await corpus([...commonPages(8), { text: 'A vector holds values of one type.' }]);
    const other = await newDoc(scope.classId!, 'other.pdf');
    await fx.repos.chunks.insertForDocument(other, [
      { chunkIndex: 0, pageStart: 1, pageEnd: 1, charStart: 0, charEnd: 9, text: 'Arrays.', tokenCount: 40 },
    ]);
    const stored = async () =>
      (
        await fx.database.pool.query<{ same: boolean }>(
          `SELECT bool_and(d.stored_chunks = (SELECT count(*) FROM chunks c WHERE c.document_id = d.id)
             AND d.stored_tokens = (SELECT coalesce(sum(c.token_count), 0) FROM chunks c WHERE c.document_id = d.id)) AS same
           FROM documents d WHERE d.class_id = $1`,
          [scope.classId],
        )
      ).rows[0]!.same;
    const vectorIdf = async () =>
      (await fx.repos.chunks.fullTextSearch(scope, 'vector', 5)).terms.find((t) => t.term === 'vector')!.idf;
    const idf = (n: number) => Math.log(1 + (n - 1 + 0.5) / 1.5);
    expect(await stored()).toBe(true);
    expect(await vectorIdf()).toBeCloseTo(idf(10), 12);
    await fx.database.pool.query('UPDATE chunks SET token_count = token_count + 7 WHERE document_id = $1', [
      doc.id,
    ]);
    await fx.database.pool.query('DELETE FROM chunks WHERE document_id = $1 AND chunk_index < 3', [doc.id]);
    expect(await stored()).toBe(true);
    expect(await vectorIdf()).toBeCloseTo(idf(7), 12);
    await fx.repos.chunks.insertForDocument(other, []);
    expect(await stored()).toBe(true);
    expect(await vectorIdf()).toBeCloseTo(idf(6), 12);
  });

  it('reports how much of the question a chunk holds (termMatch)', async () => {
    const { scope } = await corpus([
      { text: 'Lists hold components of any type, and a list can hold other lists.' },
      { text: 'Matrices are two dimensional arrays.' },
      ...commonPages(3),
    ]);
    const { hits } = await fx.repos.chunks.fullTextSearch(scope, 'lists and matrices', 5);
    expect(hits).toHaveLength(2);
    for (const h of hits) {
      expect(h.termMatch).toBeGreaterThan(0.3);
      expect(h.termMatch).toBeLessThan(0.7);
    }
    const all = await fx.repos.chunks.fullTextSearch(scope, 'list components', 5);
    expect(all.hits[0]!.termMatch).toBeCloseTo(1, 6);
    // A number in a question is usually a value, not its topic: it weighs a quarter.
    const numbered = await fx.repos.chunks.fullTextSearch(scope, 'list components 42', 5);
    const [list, components, n42] = numbered.terms;
    expect(n42!.term).toBe('42');
    expect(numbered.hits[0]!.termMatch).toBeCloseTo(
      (list!.idf + components!.idf) / (list!.idf + components!.idf + n42!.idf / 4),
      6,
    );
  });
});

describe('the hits returned', () => {
  it('are the head of a longer list of the same search, each with its own chunk’s columns and the terms once', async () => {
    const { scope } = await corpus([
      ...Array.from({ length: 12 }, (_, i) => ({
        text: `Vectors ${'and lists '.repeat(i % 4)}hold values ${i}.`,
      })),
      ...commonPages(3),
    ]);
    const long = await fx.repos.chunks.fullTextSearch(scope, 'vectors hold lists', 10);
    const short = await fx.repos.chunks.fullTextSearch(scope, 'vectors hold lists', 3);
    expect(long.hits).toHaveLength(10);
    expect(short.hits).toEqual(long.hits.slice(0, 3));
    expect(short.terms).toEqual(long.terms);
    expect(short.terms.map((t) => t.term)).toEqual(['vector', 'hold', 'list']);
    for (const hit of long.hits) {
      expect(hit.text).toMatch(new RegExp(`values ${hit.pageStart - 1}\\.$`));
    }
  });

  it('are refused for a ranking constant that is not a finite number', async () => {
    const { scope } = await corpus([{ text: 'Vectors hold values.' }]);
    await expect(
      fx.repos.chunks.fullTextSearch(scope, 'vectors', 5, { ranking: { k1: Number.NaN } }),
    ).rejects.toThrow(RangeError);
  });
});

describe('words the scope never uses (termMatch)', () => {
  const shortCourse: Piece[] = [
    { text: 'Cells get most of their energy from the Krebs cycle in the mitochondria.' },
    { text: 'Glycolysis splits glucose in the cytoplasm.' },
    { text: 'Membranes are phospholipid bilayers.' },
  ];
  const best = async (query: string, lightWords: string[]) => {
    const { scope } = await corpus(shortCourse);
    const found = await fx.repos.chunks.fullTextSearch(scope, query, 5, { lightWords });
    return { termMatch: found.hits[0]?.termMatch ?? 0, absent: found.terms.filter((t) => t.df === 0) };
  };

  it('weigh little when they are light words: "walk" missing does not sink a question about the Krebs cycle', async () => {
    const plain = await best('Walk me through the Krebs cycle', []);
    expect(plain.absent.map((t) => t.term)).toEqual(['walk']);
    expect(plain.termMatch).toBeLessThan(0.5);
    const light = await best('Walk me through the Krebs cycle', ['walk', 'cycle']);
    expect(light.termMatch).toBeGreaterThan(0.75);
  });

  it('weigh in full when they name the topic, even if a light word is also missing', async () => {
    const { termMatch } = await best('Do mitochondria change the tides of the ocean?', ['change']);
    expect(termMatch).toBeLessThan(0.5);
  });
});

describe('related words (expansions): the manual’s word for what the question names', () => {
  const manual: Piece[] = [
    { text: 'Values are assigned to variables.' },
    { text: 'The kill command removes the value assigned to a variable.' },
    // "assigned" is common in this manual, "kill" is not.
    ...['option', 'key', 'colour', 'width'].map((w) => ({ text: `Each ${w} is assigned a default.` })),
    ...commonPages(4),
  ];
  const question = 'How do I clear a value assigned to a variable?';

  it('rank up the chunk that uses the manual’s word instead of the question’s', async () => {
    const { scope } = await corpus(manual);
    const plain = await fx.repos.chunks.fullTextSearch(scope, question, 5);
    expect(plain.hits[0]!.text).not.toContain('kill');
    const related = await fx.repos.chunks.fullTextSearch(scope, question, 5, {
      expansions: [['delete', 'kill']],
    });
    expect(related.hits[0]!.text).toContain('kill');
    // The question's terms, then the related words the scope holds (the answer weighs those too),
    // at expansionWeight of their idf, shared within the group.
    expect(related.terms.slice(0, plain.terms.length)).toEqual(plain.terms);
    const kill = related.terms.slice(plain.terms.length);
    expect(kill).toMatchObject([{ term: 'kill', df: 1, words: ['kill'], related: true }]);
    // 10 chunks, "kill" in 1 of them; "delete" in none, so "kill" is the only word of its group here.
    const idf = Math.log(1 + (10 - 1 + 0.5) / (1 + 0.5));
    expect(kill[0]!.idf).toBeCloseTo(DEFAULT_RANKING.expansionWeight * idf, 9);
    // Two words of the group in the scope ("removes" too): each reports its idf over √2.
    const two = await fx.repos.chunks.fullTextSearch(scope, question, 5, {
      expansions: [['remove', 'kill']],
    });
    const reported = two.terms.filter((t) => t.related);
    expect(reported.map((t) => t.term).sort()).toEqual(['kill', 'remov']);
    for (const t of reported)
      expect(t.idf).toBeCloseTo((DEFAULT_RANKING.expansionWeight * idf) / Math.SQRT2, 9);
  });

  it('never count towards termMatch, and find no chunk the question’s own words do not', async () => {
    const { scope } = await corpus(manual);
    const plain = await fx.repos.chunks.fullTextSearch(scope, 'How do I clear a value?', 10);
    const related = await fx.repos.chunks.fullTextSearch(scope, 'How do I clear a value?', 10, {
      expansions: [['remove', 'kill']],
    });
    expect(related.hits[0]!.text).toContain('kill');
    const matchOf = (hits: typeof plain.hits) => new Map(hits.map((h) => [h.text, h.termMatch]));
    expect(matchOf(related.hits)).toEqual(matchOf(plain.hits));
    // "kill" alone finds nothing: no word of the question is in the manual.
    const none = await fx.repos.chunks.fullTextSearch(scope, 'How do I clear the screen?', 5, {
      expansions: [['remove', 'kill']],
    });
    expect(none.hits).toHaveLength(0);
  });

  it('count once per group: a chunk holding several words of one group gets only its best', async () => {
    const one = 'To keep a graph, save it.';
    const many = 'To keep a graph, save it, dump it or redirect it.';
    // Each of save, dump and redirect is in two chunks: the same idf.
    const { scope } = await corpus([
      { text: one },
      { text: many },
      { text: 'Dump or redirect a stream.' },
      ...commonPages(4),
    ]);
    const search = (expansions: string[][]) =>
      fx.repos.chunks.fullTextSearch(scope, 'How do I send a graph?', 5, {
        expansions,
        ranking: { proximityWeight: 0 },
      });
    // The same best word (save, once each): the shorter chunk wins, as for the question's own words.
    expect((await search([['save', 'dump', 'redirect']])).hits.slice(0, 2).map((h) => h.text)).toEqual([
      one,
      many,
    ]);
    // Groups standing in for different words each count.
    expect((await search([['save'], ['dump', 'redirect']])).hits[0]!.text).toBe(many);
  });

  it('weigh expansionWeight of their idf, and nothing at 0', async () => {
    const { scope } = await corpus(manual);
    const off = await fx.repos.chunks.fullTextSearch(scope, question, 5, {
      expansions: [['kill']],
      ranking: { expansionWeight: 0 },
    });
    const plain = await fx.repos.chunks.fullTextSearch(scope, question, 5);
    // Same order and scores, up to the last bit: the sums run over the rows in another order.
    const rounded = (hits: typeof plain.hits) => hits.map((h) => [h.text, h.score.toPrecision(12)]);
    expect(rounded(off.hits)).toEqual(rounded(plain.hits));
  });
});

describe('code-like terms, searched as a student types them', () => {
  let scope: ChunkScope;
  const texts = {
    writeValue: 'asn1_write_value sets the value of an element of a structure.',
    writeOther: 'To write a value, first create the element. The value is checked on write.',
    readCsv: 'The function read.csv() reads a comma separated file into a data frame.',
    readOther: 'Read the manual before you read any other file.',
    check: 'Run R CMD check --as-cran before submitting; the --check option validates the file only.',
    checkOther: 'Check the result. Always check your work and check it twice.',
    lm: 'Fit linear models with lm(y ~ x, data = d); summary() shows the coefficients.',
    isNa: 'is.na(x) tests which elements are missing. Note that x == NA gives NA, never TRUE.',
    naOther: 'NA values propagate; x may be anything else entirely here.',
    percent: 'In gp, % means the result of the last computed expression.',
    percentOther: 'The result of an expression is printed; half of the values, fifty percent, were computed.',
    assign: 'Define a function with f(x) := x^2 and call it as f(3).',
    assignOther: 'A function definition names the function and its argument x, then what to call.',
  };
  beforeAll(async () => {
    ({ scope } = await corpus([...Object.values(texts).map((text) => ({ text })), ...commonPages(4)]));
  });

  it.each([
    ['asn1_write_value', texts.writeValue],
    ['what does asn1_write_value return?', texts.writeValue],
    ['read.csv', texts.readCsv],
    ['how do I use read.csv()?', texts.readCsv],
    ['how do I read a csv file', texts.readCsv],
    ['--check', texts.check],
    ['what does --check do', texts.check],
    ['lm()', texts.lm],
    ['is.na(x)', texts.isNa],
    ['x == NA', texts.isNa],
    ['What does the % sign mean?', texts.percent],
    ['how do I define a function with := ?', texts.assign],
  ])('finds %j', async (query, expected) => {
    expect(await firstText(scope, query)).toBe(expected);
  });
});

describe('the lexemes of a question’s text', () => {
  // Every printable ASCII character alone, inside a word, around one and doubled, and typical questions.
  const punctuation = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];
  const texts = [
    ...punctuation.flatMap((c) => [c, `a${c}b`, `${c}x`, `x${c}`, `${c}${c}`, `x ${c} y`]),
    'what does asn1_write_value return?',
    'how do I use read.csv()?',
    'what does --check do',
    'x == NA',
    'What does the % sign mean?',
    'how do I define a function with := ?',
    'How does the Krebs cycle make energy?',
    "I'm walking; you've got e-mail",
    '',
  ];

  it('are the ones chunk_search_tsv gives, code-like or not', async () => {
    const query = new PgDialect().sqlToQuery(
      sql`SELECT t.text, chunk_search_tsv(t.text)::text AS indexed, ${searchTsvSql('t.text')}::text AS searched
          FROM unnest(${sql.param(texts)}::text[]) AS t(text)`,
    );
    const { rows } = await fx.database.pool.query<{ text: string; indexed: string; searched: string }>(
      query.sql,
      query.params,
    );
    expect(rows).toHaveLength(texts.length);
    expect(rows.filter((r) => r.searched !== r.indexed)).toEqual([]);
    // The cheap path is taken for plain words and the code-like ones still find their terms.
    expect(rows.find((r) => r.text === 'x == NA')?.searched).toContain("'=='");
  });
});

describe('focus: the part of the material a question names', () => {
  let scope: ChunkScope;
  let doc: DocumentRow;
  let other: DocumentRow;
  const early =
    'Arrays generalise vectors; arrays and vectors and arrays again: dim gives an array its shape.';
  const named = 'An array can be indexed by a matrix.';
  beforeAll(async () => {
    ({ scope, doc } = await corpus([
      { text: early, page: 3, section: ['2 Simple manipulations', '2.9 Arrays in brief'] },
      { text: named, page: 17, section: ['5 Arrays and matrices', '5.3 Index matrices'] },
      { text: 'Summary: arrays and lists were covered.', page: 40, section: ['Summary'] },
      ...commonPages(3),
    ]));
    other = await newDoc(scope.classId!, 'other.pdf');
    await fx.repos.chunks.insertForDocument(other, [
      { chunkIndex: 0, pageStart: 1, pageEnd: 1, charStart: 0, charEnd: 5, text: early, tokenCount: 12 },
    ]);
  });

  const first = async (focus: Parameters<typeof fx.repos.chunks.fullTextSearch>[3]) =>
    (await fx.repos.chunks.fullTextSearch(scope, 'arrays', 5, focus)).hits[0]!;

  it('without a focus, the best BM25 match comes first', async () => {
    expect((await first({})).text).toBe(early);
  });

  it('ranks up a chapter, a section and a page named by the question', async () => {
    expect((await first({ focus: { sectionPatterns: ['^(chapter\\s+)?5(\\D|$)'] } })).text).toBe(named);
    expect((await first({ focus: { sectionPatterns: ['^(section\\s+)?5\\.3(\\D|$)'] } })).text).toBe(named);
    expect((await first({ focus: { pages: [{ from: 17, to: 17 }] } })).pageStart).toBe(17);
    expect((await first({ focus: { sectionPatterns: ['\\msummary\\M'] } })).pageStart).toBe(40);
    const hit = await first({ focus: { pages: [{ from: 17, to: 17 }] } });
    expect(hit.inFocus).toBe(true);
  });

  it('ranks up a named document, and a chapter only within it', async () => {
    expect((await first({ focus: { documentIds: [other.id] } })).documentId).toBe(other.id);
    const inDoc = await first({
      focus: { documentIds: [doc.id], sectionPatterns: ['^(chapter\\s+)?2(\\D|$)'] },
    });
    expect([inDoc.documentId, inDoc.pageStart]).toEqual([doc.id, 3]);
  });

  it('falls back to the rest of the scope when the named part does not match', async () => {
    const { hits } = await fx.repos.chunks.fullTextSearch(scope, 'arrays', 5, {
      focus: { sectionPatterns: ['^(chapter\\s+)?12(\\D|$)'] },
    });
    expect(hits[0]!.text).toBe(early);
    expect(hits.every((h) => !h.inFocus)).toBe(true);
  });
});

describe('a word that names a document', () => {
  // The tutorial of a program called gp says "gp" on most of its pages; another manual lists the %
  // operator. Asked about % "in gp", the tutorial's page should win a near-tie.
  const tutorial = 'In gp, % means the result of the last computed expression.';
  const operators = 'The % sign is the modulo operator of integers and reals.';
  const question = 'What does the % sign mean in gp?';

  /** The other manual and the tutorial: its opening, four pages saying gp, `plain` pages that do not. */
  async function manuals(plain: number, otherSaysGp = false): Promise<ChunkScope> {
    const { scope } = await corpus([
      { text: operators },
      { text: 'Operators + - * / act on reals, pairs and paths.' },
      ...commonPages(4),
      // As many pages saying gp as the tutorial has, among many more that do not.
      ...(otherSaysGp
        ? [
            ...Array.from({ length: 5 }, (_, i) => ({ text: `Graph paper (gp) page ${i}: gp grids.` })),
            ...commonPages(14),
          ]
        : []),
    ]);
    const gp = await newDoc(scope.classId!, 'tutorial.pdf');
    const pages = [
      tutorial,
      ...Array.from({ length: 4 }, (_, i) => `Type it in gp and see; gp prints result ${i}.`),
      ...Array.from({ length: plain }, (_, i) => `Type it and see result ${i}.`),
    ];
    await fx.repos.chunks.insertForDocument(gp, pageChunks(pages));
    return scope;
  }
  const first = async (scope: ChunkScope, ranking: Partial<RankingParams>) =>
    (await fx.repos.chunks.fullTextSearch(scope, question, 5, { ranking })).hits[0]!.text;

  it('ranks up the document that word names', async () => {
    const scope = await manuals(0);
    expect(await first(scope, { markBoost: 1 })).toBe(operators);
    expect(await first(scope, { markBoost: 1.5 })).toBe(tutorial);
  });

  it('does not when under a quarter of that document’s chunks use it', async () => {
    const scope = await manuals(16);
    expect(await first(scope, { markBoost: 1.5 })).toBe(operators);
  });

  it('does not when another document uses it as often', async () => {
    const scope = await manuals(0, true);
    expect(await first(scope, { markBoost: 1.5 })).toBe(operators);
  });
});
