import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SemanticSearchResponse, type SemanticSearchBody } from '@classchat/contracts';
import type { ChunkInput } from '@classchat/db';
import { post, startRagWithStudent, type AnswerHarness } from '../answer.test-helpers.js';
import type { RunningRag } from '../server.js';

/**
 * What a student gets through rag's answer API from a structured manual (chunks given directly, with
 * section paths, section pages and page kinds, as ingestion stores them): the right section for a
 * question that names a chapter or a page, body pages above the table of contents, and a plain
 * "not covered" or "no material" answer when the material cannot answer.
 */
let h: AnswerHarness, rag: RunningRag, userId: string;
let classId: string;
let manualId: string;

interface Piece {
  page: number;
  text: string;
  section: string[];
  sectionPages: [number, number];
  kind?: ChunkInput['pageKind'];
}

const MANUAL: Piece[] = [
  {
    page: 2,
    kind: 'toc',
    section: ['Contents'],
    sectionPages: [2, 2],
    text: 'Contents. 2 Vectors and assignment 3. 5 Arrays and matrices 9. 5.3 Index matrices 10. Vectors, arrays and matrices: index 20.',
  },
  {
    page: 3,
    section: ['2 Vectors', '2.1 Vectors and assignment'],
    sectionPages: [3, 4],
    text: 'A vector is an ordered collection of numbers. Assign a vector with x <- c(1, 2, 3); arrays come later.',
  },
  {
    page: 4,
    section: ['2 Vectors', '2.2 Arrays in brief'],
    sectionPages: [4, 4],
    text: 'Arrays generalise vectors: arrays of arrays, arrays with a dim attribute, arrays everywhere in this overview of arrays.',
  },
  {
    page: 9,
    section: ['5 Arrays and matrices', '5.1 Arrays'],
    sectionPages: [9, 9],
    text: 'An array can be considered as a multiply subscripted collection of data entries.',
  },
  {
    page: 10,
    section: ['5 Arrays and matrices', '5.3 Index matrices'],
    sectionPages: [10, 11],
    text: 'A matrix may be used as an index vector to pick entries of an array.',
  },
  {
    page: 17,
    section: ['7 Reading data', '7.1 read.table'],
    sectionPages: [17, 18],
    text: 'The function read.table() reads a file in table format and creates a data frame from it.',
  },
];

beforeAll(async () => {
  ({ h, rag, userId } = await startRagWithStudent({ offline: true, student: 'grounding' }));
  classId = (await h.repos.classes.create(userId, 'R course')).id;
  const doc = await h.repos.documents.create({
    userId,
    classId,
    fileName: 'R-intro.pdf',
    mimeType: 'application/pdf',
    byteSize: 1,
    sha256: randomUUID(),
    storageKey: randomUUID(),
  });
  manualId = doc.id;
  await h.repos.chunks.insertForDocument(
    doc,
    MANUAL.map((p, i) => ({
      chunkIndex: i,
      pageStart: p.page,
      pageEnd: p.page,
      charStart: 0,
      charEnd: p.text.length,
      text: p.text,
      tokenCount: p.text.split(' ').length,
      sectionPath: p.section,
      sectionPageStart: p.sectionPages[0],
      sectionPageEnd: p.sectionPages[1],
      pageKind: p.kind,
    })),
  );
  await h.repos.documents.markReady(doc.id, 20, MANUAL.length);
});
afterAll(() => h?.stop());

async function ask(question: string, body: Partial<SemanticSearchBody> = {}) {
  const r = await post(rag.url, '/api/v1/semantic_search', {
    user_id: userId,
    class_name: classId,
    user_query: question,
    ...body,
  });
  expect(r.status).toBe(200);
  return SemanticSearchResponse.parse(r.json);
}

const firstPage = (answer: SemanticSearchResponse) =>
  [...answer.citations].sort((a, b) => a.n - b.n)[0]?.page;
/** The page of the best passage retrieval found (the offline answer may quote a better sentence first). */
const bestFound = (answer: SemanticSearchResponse) => answer.chunkReferences[0]?.pageStart;

describe('grounded answers', () => {
  it('cite the body page that explains the question’s words before the table of contents that lists them', async () => {
    const answer = await ask('What is a vector and how do I assign it?');
    expect(answer.coverage).toBe('grounded');
    // The contents page holds the words more often, and comes after the page that explains them.
    const pages = [...answer.citations].sort((a, b) => a.n - b.n).map((c) => c.page);
    expect(pages[0]).toBe(3);
    expect(pages.indexOf(2)).not.toBe(0);
  });

  it('go to the chapter the question names', async () => {
    expect(bestFound(await ask('What are arrays?'))).toBe(4);
    const inChapter5 = await ask('In chapter 5, what are arrays?');
    expect(inChapter5.coverage).toBe('grounded');
    expect(bestFound(inChapter5)).toBe(9);
    expect(firstPage(inChapter5)).toBe(9);
    expect(inChapter5.citations[0]!.sectionPath).toEqual(['5 Arrays and matrices', '5.1 Arrays']);
    expect(firstPage(await ask('What does section 5.3 say about arrays?'))).toBe(10);
  });

  it('go to the page the question names, even when it names nothing else', async () => {
    const answer = await ask('What is on page 17?');
    expect(answer.coverage).toBe('grounded');
    expect(answer.citations.map((c) => c.page)).toEqual([17]);
  });

  it('find a function named as typed', async () => {
    expect(firstPage(await ask('How does read.table() work?'))).toBe(17);
  });

  it('answer a short question that points back at the previous one from that one’s topic', async () => {
    const alone = await ask('And how fast is it?');
    expect(alone.coverage).toBe('not_covered');
    const chat_history = [
      { role: 'user' as const, content: 'How does read.table() work?' },
      { role: 'assistant' as const, content: 'It reads a file in table format into a data frame.' },
    ];
    const followUp = await ask('And how fast is it?', { chat_history });
    expect(followUp.coverage).toBe('grounded');
    expect(firstPage(followUp)).toBe(17);
  });
});

describe('answers the material does not cover', () => {
  it('say so plainly and name the closest sections with their pages, as citations', async () => {
    const answer = await ask('How do I train a neural network on arrays of images?');
    expect(answer.coverage).toBe('not_covered');
    expect(answer.message).toMatch(/^Your material does not seem to cover this\./);
    expect(answer.message).toMatch(/\*\*2\.2 Arrays in brief\*\* — R-intro\.pdf, page 4 【1】/);
    expect(answer.citations[0]).toMatchObject({ n: 1, page: 4, documentId: manualId });
    expect(answer.citations[0]!.href).toContain(`/documents/${manualId}?page=4`);
  });

  it('with nothing in common with the material, say so without sections', async () => {
    const answer = await ask('What is the capital of Australia?');
    expect(answer.coverage).toBe('not_covered');
    expect(answer.citations).toEqual([]);
  });

  it('in a class without documents, say there is nothing to answer from', async () => {
    const empty = (await h.repos.classes.create(userId, 'Empty class')).id;
    const answer = await ask('What is a vector?', { class_name: empty });
    expect(answer.coverage).toBe('no_material');
    expect(answer.message).toMatch(/^This class has no documents yet\./);
    expect(answer.citations).toEqual([]);
  });

  it('while the class’s only document is processing, say it will be ready in a few seconds', async () => {
    const cls = (await h.repos.classes.create(userId, 'Processing class')).id;
    const doc = await h.repos.documents.create({
      userId,
      classId: cls,
      fileName: 'lecture 1.pdf',
      mimeType: 'application/pdf',
      byteSize: 1,
      sha256: randomUUID(),
      storageKey: randomUUID(),
    });
    await h.repos.documents.updateProgress(doc.id, 'processing', 'parsing', 0.2);
    const answer = await ask('What is a vector?', { class_name: cls });
    expect(answer.coverage).toBe('no_material');
    expect(answer.message).toMatch(/^“lecture 1\.pdf” is still processing — ready in a few seconds\./);
  });
});
