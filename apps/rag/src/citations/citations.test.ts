import { describe, expect, it } from 'vitest';
import { Citation, quotedBefore } from '@classchat/contracts';
import {
  citationHref,
  finalizeAnswer,
  locate,
  snippetOf,
  toChunkReferences,
  type CitableSource,
} from './citations.js';

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function source(i: number, overrides: Partial<CitableSource> = {}): CitableSource {
  return {
    chunkId: uuid(100 + i),
    documentId: uuid(i <= 3 ? 1 : 2),
    fileName: i <= 3 ? 'Cell Biology.pdf' : 'Genetics.pdf',
    pageStart: i,
    pageEnd: i,
    charStart: 10 * i,
    charEnd: 10 * i + 50,
    text: `Passage number ${i} explains something important about topic ${i}.`,
    ...overrides,
  };
}

const sources = [1, 2, 3, 4, 5].map((i) => source(i));
const chunkOf = (n: number) => uuid(100 + n);

describe('finalizeAnswer', () => {
  it('keeps a plain answer in order as it is', () => {
    const r = finalizeAnswer('Alpha 【1】. Beta 【2】.', sources);
    expect(r.content).toBe('Alpha 【1】. Beta 【2】.');
    expect(r.citations.map((c) => c.chunkId)).toEqual([chunkOf(1), chunkOf(2)]);
    expect(r.citations.map((c) => c.n)).toEqual([1, 2]);
  });

  it('drops sources the answer does not cite', () => {
    const r = finalizeAnswer('Only the third passage matters 【3】.', sources);
    expect(r.content).toBe('Only the third passage matters 【1】.');
    expect(r.citations).toHaveLength(1);
    expect(r.citations[0]).toMatchObject({ n: 1, chunkId: chunkOf(3), page: 3 });
  });

  it('renumbers in order of first use', () => {
    const r = finalizeAnswer('First 【4】. Then 【2】. And 【5】.', sources);
    expect(r.content).toBe('First 【1】. Then 【2】. And 【3】.');
    expect(r.citations.map((c) => c.chunkId)).toEqual([chunkOf(4), chunkOf(2), chunkOf(5)]);
  });

  it('gives a repeated source one number and one citation', () => {
    const r = finalizeAnswer('A 【3】. B 【1】. C 【3】. D 【3】【1】.', sources);
    expect(r.content).toBe('A 【1】. B 【2】. C 【1】. D 【1】【2】.');
    expect(r.citations.map((c) => c.chunkId)).toEqual([chunkOf(3), chunkOf(1)]);
  });

  it('understands the 【1, 3】 form', () => {
    const r = finalizeAnswer('Both say so 【2, 4】. Also 【4】.', sources);
    expect(r.content).toBe('Both say so 【1, 2】. Also 【2】.');
    expect(r.citations.map((c) => c.chunkId)).toEqual([chunkOf(2), chunkOf(4)]);
  });

  it('understands the 【2】【3】 form', () => {
    const r = finalizeAnswer('Stated twice 【5】【3】.', sources);
    expect(r.content).toBe('Stated twice 【1】【2】.');
    expect(r.citations.map((c) => c.chunkId)).toEqual([chunkOf(5), chunkOf(3)]);
  });

  it('expands ranges like 【1-2】 and 【2–4】', () => {
    const r = finalizeAnswer('Range 【2–4】 then 【1-2】.', sources);
    expect(r.content).toBe('Range 【1, 2, 3】 then 【1, 4】.');
    expect(r.citations.map((c) => c.chunkId)).toEqual([chunkOf(2), chunkOf(3), chunkOf(4), chunkOf(1)]);
  });

  it('sorts and de-duplicates numbers within one group', () => {
    const r = finalizeAnswer('X 【1】. Y 【3, 1, 3】.', sources);
    expect(r.content).toBe('X 【1】. Y 【1, 2】.');
  });

  it('removes a marker with no such source, and the space before it', () => {
    const r = finalizeAnswer('Made up 【9】. Real 【2】. Also made up 【7】 here.', sources);
    expect(r.content).toBe('Made up. Real 【1】. Also made up here.');
    expect(r.citations.map((c) => c.chunkId)).toEqual([chunkOf(2)]);
  });

  it('keeps the valid part of a group that names a missing source', () => {
    const r = finalizeAnswer('Mixed 【2, 9】.', sources);
    expect(r.content).toBe('Mixed 【1】.');
  });

  it('cites nothing when there are no sources', () => {
    const r = finalizeAnswer('No material covers this【1】.', []);
    expect(r.content).toBe('No material covers this.');
    expect(r.citations).toEqual([]);
  });

  it('leaves markers inside code alone', () => {
    const text = 'Use `arr【2】` and\n```\nx = a【3】\n```\nreal【2】.';
    const r = finalizeAnswer(text, sources);
    expect(r.content).toBe(text.replace(/【2】\.$/, '【1】.'));
    expect(r.citations.map((c) => c.chunkId)).toEqual([chunkOf(2)]);
  });

  it('keeps square brackets as text once the answer cites with lenticular markers', () => {
    const r = finalizeAnswer('R prints [1] "arrests", a[2] is 3, see [4]; it says so【2】.', sources);
    expect(r.content).toBe('R prints [1] "arrests", a[2] is 3, see [4]; it says so【1】.');
    expect(r.citations.map((c) => c.chunkId)).toEqual([chunkOf(2)]);
  });

  it('reads square-bracket markers from an answer without any lenticular one, and writes them back as 【n】', () => {
    const text =
      'Use `arr[2]` and\n```\nx = a[3]\n```\nsee [docs](http://x) [1](http://y) [^2] on [0, 1] [4]. Also [2, 4].';
    const r = finalizeAnswer(text, sources);
    expect(r.content).toBe(text.replace('[4].', '【1】.').replace('[2, 4]', '【1, 2】'));
    expect(r.citations.map((c) => c.chunkId)).toEqual([chunkOf(4), chunkOf(2)]);
  });

  it('builds valid citations with document, physical page, snippet and viewer link', () => {
    const r = finalizeAnswer('Claim【1】.', [source(3, { pageStart: 7, pageEnd: 8 })]);
    const c = r.citations[0]!;
    expect(Citation.parse(c)).toEqual(c);
    expect(c).toMatchObject({
      n: 1,
      documentId: uuid(1),
      fileName: 'Cell Biology.pdf',
      page: 7,
      chunkId: chunkOf(3),
      snippet: 'Passage number 3 explains something important about topic 3.',
      charStart: 30,
      charEnd: 80,
      href: `/documents/${uuid(1)}?page=7&start=30&end=80`,
    });
  });

  it('pins the snippet to a passage the answer quotes', () => {
    const src = source(1, {
      text: 'Intro sentence here.\nThe Krebs cycle   turns twice per glucose molecule. Outro.',
      charStart: 100,
    });
    const r = finalizeAnswer('The text says “the Krebs cycle turns twice per glucose molecule.”【1】', [src]);
    const c = r.citations[0]!;
    expect(c.snippet).toBe('The Krebs cycle   turns twice per glucose molecule.');
    expect(c.charStart).toBe(100 + src.text.indexOf('The Krebs'));
    expect(c.charEnd).toBe(c.charStart! + c.snippet.length);
    expect(c.href).toBe(`/documents/${uuid(1)}?page=${src.pageStart}&start=${c.charStart}&end=${c.charEnd}`);
  });

  it('carries the section path, and maps a quoted span of a cleaned chunk to its raw page offsets', () => {
    // Raw page 6: "…ele-\nments a vector has" was joined across a page break; the chunk text
    // "Vectors: the elements a vector has." sits at page 5 offset 200 ("Vectors: the ele") and page
    // 6 offset 0 ("ments a vector has.").
    const src = source(1, {
      pageStart: 5,
      pageEnd: 6,
      charStart: 200,
      charEnd: 216,
      text: 'Vectors: the elements a vector has.',
      sectionPath: ['2 Data', '2.1 Vectors'],
      sourceMap: [
        [0, 5, 200],
        [16, 6, 0],
      ],
    });
    const whole = finalizeAnswer('See [1].', [src]).citations[0]!;
    expect(whole).toMatchObject({
      page: 5,
      charStart: 200,
      charEnd: 216,
      sectionPath: ['2 Data', '2.1 Vectors'],
    });
    const quoted = finalizeAnswer('It says “ments a vector has.” [1]', [src]).citations[0]!;
    expect(quoted).toMatchObject({
      page: 6,
      charStart: 0,
      charEnd: 19,
      href: `/documents/${uuid(1)}?page=6&start=0&end=19`,
    });
    expect(Citation.parse(quoted)).toEqual(quoted);
    expect(finalizeAnswer('Claim [1].', [source(2)]).citations[0]).not.toHaveProperty('sectionPath');
  });

  it('falls back to the chunk start when the quote is not in the chunk', () => {
    const r = finalizeAnswer('It says "something the passage never says at all"【1】.', sources);
    expect(r.citations[0]!.snippet).toBe(sources[0]!.text);
    expect(r.citations[0]!.charStart).toBe(sources[0]!.charStart);
  });
});

describe('citation helpers', () => {
  it('cuts snippets near 200 characters at a word boundary', () => {
    const long = 'word '.repeat(100);
    const s = snippetOf(long);
    expect(s.length).toBeLessThanOrEqual(201);
    expect(s.endsWith('…')).toBe(true);
    expect(s).not.toMatch(/\s…$/);
    expect(snippetOf('  short\n text ')).toBe('short text');
  });

  it('lists every context chunk as a chunk reference', () => {
    expect(toChunkReferences(sources.slice(0, 2))).toEqual([
      { chunkId: chunkOf(1), documentId: uuid(1), fileName: 'Cell Biology.pdf', pageStart: 1, pageEnd: 1 },
      { chunkId: chunkOf(2), documentId: uuid(1), fileName: 'Cell Biology.pdf', pageStart: 2, pageEnd: 2 },
    ]);
  });

  it('finds quotes before a marker and locates them ignoring case and spacing', () => {
    expect(quotedBefore('He wrote "a long enough quotation" [1]', 35)).toBe('a long enough quotation');
    expect(quotedBefore('no quote here [1]', 14)).toBeNull();
    expect(locate('Alpha  BETA gamma', 'beta gamma')).toEqual({ start: 7, end: 17 });
    expect(locate('Alpha', 'something else')).toBeNull();
  });

  it('puts the span in the viewer link, and links the chunk when the span has no characters', () => {
    const span = { documentId: 'd/1', page: 2, chunkId: 'c', charStart: 5, charEnd: 9 };
    expect(citationHref(span)).toBe('/documents/d%2F1?page=2&start=5&end=9');
    expect(citationHref({ ...span, charStart: null, charEnd: null })).toBe('/documents/d%2F1?page=2&chunk=c');
    expect(citationHref({ ...span, charEnd: 5 })).toBe('/documents/d%2F1?page=2&chunk=c');
  });
});
