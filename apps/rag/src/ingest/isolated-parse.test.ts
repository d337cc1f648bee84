import { afterAll, describe, expect, it } from 'vitest';
import {
  badFixtures,
  deepOutlinePdf,
  goodFixtures,
  inflatingPdf,
  largePdf,
  paragraphFloodDocx,
} from '@classchat/testkit';
import { createIsolatedParser, type IsolatedParser } from './isolated-parse.js';
import { chunkDocument } from './chunker.js';
import { failureOf } from './ingest.test-helpers.js';
import { parseDocument } from './parse.js';

const MB = 1024 * 1024;
const parsers: IsolatedParser[] = [];
afterAll(async () => {
  await Promise.all(parsers.map((p) => p.close()));
});

function parser(options: { memoryMb?: number; maxChars?: number; workers?: number } = {}) {
  const created = createIsolatedParser({
    memoryMb: options.memoryMb ?? 256,
    maxChars: options.maxChars ?? 10_000_000,
    workers: options.workers ?? 1,
  });
  parsers.push(created);
  return created;
}

const memoryReason = (mb: number) =>
  `Reading this file needed more than the ${mb} MB memory limit and was stopped. Split it into smaller files and upload them.`;

describe('parsing in a worker thread', () => {
  it('gives the pages, sections and chunks parseDocument and chunkDocument give in-thread, with its progress', async () => {
    const isolated = parser();
    for (const fixture of [await goodFixtures.multiPagePdf(), await goodFixtures.docx()]) {
      const progress: Array<[number, number] | ['chunking', number]> = [];
      const chunkOptions = { maxTokens: 60 };
      const read = await isolated.parse(fixture.mimeType!, fixture.bytes, {
        maxPages: 50,
        chunkOptions,
        onProgress: (done, total) => progress.push([done, total]),
        onChunking: (pages) => progress.push(['chunking', pages]),
      });
      const inThread = await parseDocument(fixture.mimeType!, fixture.bytes, { maxPages: 50 });
      expect(read).toEqual({
        pages: inThread.pages,
        sections: inThread.sections,
        chunks: chunkDocument(inThread, chunkOptions),
      });
      const total = fixture.expected.pageCount;
      expect(progress[0]).toEqual([0, total]);
      expect(progress.slice(-2)).toEqual([
        [total, total],
        ['chunking', total],
      ]);
    }
  });

  it("passes the parser's own refusals through as they are, and keeps parsing afterwards", async () => {
    const isolated = parser();
    const truncated = await badFixtures.truncatedPdf();
    expect(
      (await failureOf(isolated.parse('application/pdf', truncated.bytes, { maxPages: 50 }))).message,
    ).toBe('The file is damaged or not a valid PDF/DOCX.');
    const pdf = await goodFixtures.multiPagePdf();
    const tooLong = await failureOf(isolated.parse('application/pdf', pdf.bytes, { maxPages: 3 }));
    expect(tooLong.reason).toBe('too_many_pages');
    expect((await isolated.parse('application/pdf', pdf.bytes, { maxPages: 50 })).pages).toHaveLength(5);
  });

  it('fails a document holding more text than maxChars, naming both counts', async () => {
    const isolated = parser({ maxChars: 100 });
    const text = await goodFixtures.plainText();
    const chars = (await parseDocument('text/plain', text.bytes, { maxPages: 1 })).pages[0]!.length;
    const failure = await failureOf(isolated.parse('text/plain', text.bytes, { maxPages: 1 }));
    expect(failure.reason).toBe('too_much_text');
    expect(failure.message).toBe(
      `This document holds ${chars.toLocaleString('en-US')} characters of text; the limit is 100. Split it into smaller files and upload them.`,
    );
  });
});

describe('a hostile file costs only its worker', () => {
  it('a DOCX flooded with paragraphs fails at the memory limit; the next document parses normally', async () => {
    const isolated = parser({ memoryMb: 64 });
    const flood = await paragraphFloodDocx({ xmlBytes: 8 * MB });
    expect(flood.bytes.length).toBeLessThan(100 * 1024);
    const failure = await failureOf(isolated.parse(flood.mimeType, flood.bytes, { maxPages: 50 }));
    expect(failure).toMatchObject({ reason: 'too_large', message: memoryReason(64) });

    const docx = await goodFixtures.docx();
    const parsed = await isolated.parse(docx.mimeType!, docx.bytes, { maxPages: 50 });
    expect(parsed.pages).toHaveLength(1);
  });

  it('a PDF whose content stream inflates past the limit fails: memory outside the JavaScript heap counts too', async () => {
    const isolated = parser({ memoryMb: 64 });
    const pdf = await inflatingPdf({ inflatedBytes: 160 * MB });
    expect(pdf.bytes.length).toBeLessThan(MB);
    const failure = await failureOf(isolated.parse(pdf.mimeType, pdf.bytes, { maxPages: 50 }));
    expect(failure).toMatchObject({ reason: 'too_large', message: memoryReason(64) });
  });

  it('a PDF whose outline nests 20,000 deep is read, its outline left out, and the worker parses on', async () => {
    const isolated = parser();
    const pdf = deepOutlinePdf({ depth: 20_000 });
    const read = await isolated.parse(pdf.mimeType, pdf.bytes, { maxPages: 50 });
    expect(read.pages).toEqual(['The mitochondrion makes ATP.']);
    expect(read.chunks.map((c) => c.text)).toEqual(['The mitochondrion makes ATP.']);
    const docx = await goodFixtures.docx();
    expect((await isolated.parse(docx.mimeType!, docx.bytes, { maxPages: 50 })).pages).toHaveLength(1);
  });

  it('an abort stops the parse at once with its reason, and the parser carries on', async () => {
    const isolated = parser();
    const book = await largePdf(100);
    const controller = new AbortController();
    const pagesDone: number[] = [];
    const parsing = isolated.parse('application/pdf', book.bytes, {
      maxPages: 500,
      signal: controller.signal,
      onProgress: (done) => {
        pagesDone.push(done);
        controller.abort(new Error('stop: the caller went away'));
      },
    });
    await expect(parsing).rejects.toThrow('stop: the caller went away');
    expect(pagesDone).toEqual([0]);
    const text = await goodFixtures.markdown();
    expect((await isolated.parse('text/markdown', text.bytes, { maxPages: 1 })).pages).toHaveLength(1);
  });

  it('documents beyond the worker count wait their turn; one aborted while waiting never starts', async () => {
    const isolated = parser({ workers: 1 });
    const pdf = await goodFixtures.multiPagePdf();
    const order: string[] = [];
    const first = isolated.parse('application/pdf', pdf.bytes, {
      maxPages: 50,
      onProgress: (done, total) => done === total && order.push('first'),
    });
    const controller = new AbortController();
    const cancelled = isolated.parse('application/pdf', pdf.bytes, {
      maxPages: 50,
      signal: controller.signal,
      onProgress: () => order.push('cancelled'),
    });
    const third = isolated.parse('application/pdf', pdf.bytes, {
      maxPages: 50,
      onProgress: (done, total) => done === total && order.push('third'),
    });
    controller.abort(new Error('deleted while queued'));
    await expect(cancelled).rejects.toThrow('deleted while queued');
    await Promise.all([first, third]);
    expect(order).toEqual(['first', 'third']);
  });

  it('closing rejects the parses still running', async () => {
    const isolated = parser();
    const flood = await paragraphFloodDocx({ xmlBytes: 8 * MB });
    const parsing = isolated.parse(flood.mimeType, flood.bytes, { maxPages: 50 });
    const settled = parsing.then(
      () => 'parsed',
      () => 'rejected',
    );
    await isolated.close();
    expect(await settled).toBe('rejected');
  });
});
