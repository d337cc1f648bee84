import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badFixtures, docx, markdown, multiPagePdf, plainText } from '@classchat/testkit';
import {
  ContentInspector,
  decideType,
  DOCX_MIME,
  HEAD_BYTES,
  NUL_TEXT_MESSAGE,
  PDF_MIME,
} from './content-type.js';
import {
  centralDirectoryNames,
  locateCentralDirectory,
  readZipEntryNames,
  WORD_DOCUMENT_ENTRY,
} from './zip-entries.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cc-sniff-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What the upload path does: inspect while streaming (in odd-sized chunks), then read the ZIP's names. */
async function sniff(fileName: string, bytes: Buffer, chunkSize = 7) {
  const inspector = new ContentInspector();
  for (let i = 0; i < bytes.length; i += chunkSize) inspector.push(bytes.subarray(i, i + chunkSize));
  const facts = inspector.finish();
  const path = join(dir, `f-${Math.random()}`);
  await writeFile(path, bytes);
  const names = facts.head[0] === 0x50 ? await readZipEntryNames(path) : null;
  return decideType({
    fileName,
    facts,
    zipHasWordDocument:
      names === null && facts.head[0] !== 0x50 ? null : (names?.includes(WORD_DOCUMENT_ENTRY) ?? false),
  });
}

async function zipOf(entries: Record<string, string>, comment?: string): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, text] of Object.entries(entries)) zip.file(name, text, { createFolders: false });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', ...(comment ? { comment } : {}) });
}

describe('content sniffing', () => {
  it('recognises the good fixtures by content', async () => {
    for (const make of [multiPagePdf, docx, markdown, plainText]) {
      const f = await make();
      expect(await sniff(f.fileName, f.bytes), f.fileName).toEqual({ ok: true, mime: f.mimeType });
    }
  });

  it('decides by content, not by name', async () => {
    const pdf = (await multiPagePdf()).bytes;
    expect(await sniff('reader', pdf)).toEqual({ ok: true, mime: PDF_MIME });
    expect(await sniff('notes.data', (await docx()).bytes)).toEqual({ ok: true, mime: DOCX_MIME });
    expect(await sniff('README', Buffer.from('# Title\n'))).toEqual({ ok: true, mime: 'text/plain' });
    expect(await sniff('README.markdown', Buffer.from('# Title\n'))).toEqual({
      ok: true,
      mime: 'text/markdown',
    });
    // A PDF signature after some leading junk (within the first KB) is still a PDF.
    expect(await sniff('x.pdf', Buffer.concat([Buffer.from('\n\n'), pdf]))).toEqual({
      ok: true,
      mime: PDF_MIME,
    });
  });

  it('rejects each malformed upload that can be judged by its bytes, with a message naming the accepted types', async () => {
    const png = await badFixtures.pngNamedPdf();
    const png415 = await sniff(png.fileName, png.bytes);
    expect(png415).toMatchObject({ ok: false, code: 'unsupported_type' });
    expect(png415.ok || png415.message).toMatch(/PNG.*PDF, a Word document \(\.docx\), a Markdown file/);

    const notZip = await badFixtures.notAZipDocx();
    expect(await sniff(notZip.fileName, notZip.bytes)).toMatchObject({
      ok: false,
      code: 'unsupported_type',
      message: expect.stringMatching(/named like a Word document/) as unknown,
    });

    const latin1 = await badFixtures.notUtf8Text();
    expect(await sniff(latin1.fileName, latin1.bytes)).toMatchObject({
      ok: false,
      code: 'unsupported_type',
      message: expect.stringMatching(/not UTF-8/) as unknown,
    });

    const empty = await badFixtures.emptyFile();
    expect(await sniff(empty.fileName, empty.bytes)).toMatchObject({ ok: false, code: 'invalid_input' });
  });

  it('tells a student whose .pdf or .docx is something else what the file really is', async () => {
    const windowsProgram = Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(64, 0)]);
    expect(await sniff('lecture-notes.pdf', windowsProgram)).toMatchObject({
      ok: false,
      code: 'unsupported_type',
      message: expect.stringMatching(
        /^“lecture-notes\.pdf” is named like a PDF but its content is not \(it is a Windows program\)\. Upload a PDF/,
      ) as unknown,
    });
    const unknown = Buffer.from([0x00, 0x13, 0x37, 0xfe, 0xff, 0x00]);
    expect(await sniff('week1.docx', unknown)).toMatchObject({
      message: expect.stringMatching(
        /named like a Word document .*may be damaged, or another kind of file renamed/,
      ) as unknown,
    });
    expect(await sniff('notes.pdf', Buffer.from('just some notes\n'))).toMatchObject({
      message: expect.stringMatching(/named like a PDF but its content is not \(it is text\)/) as unknown,
    });
    // A file whose name promises nothing keeps the plain "not supported".
    expect(await sniff('setup.bin', windowsProgram)).toMatchObject({
      message: expect.stringMatching(
        /^This file type is not supported \(it is a Windows program\)/,
      ) as unknown,
    });
  });

  it('treats a ZIP without word/document.xml as unsupported', async () => {
    const zip = await zipOf({ mimetype: 'application/epub+zip', 'content.opf': '<package/>' });
    expect(await sniff('book.docx', zip)).toMatchObject({ ok: false, code: 'unsupported_type' });
    expect(await sniff('book.zip', zip)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/ZIP/) as unknown,
    });
    // A UTF-8 sequence cut at the very end of the file is not valid UTF-8.
    expect(await sniff('a.txt', Buffer.from([0x68, 0x69, 0xc3]))).toMatchObject({ ok: false });
    // Multi-byte characters split across chunks are fine.
    expect(await sniff('a.txt', Buffer.from('ünïcödé ✓ 🧬'), 1)).toEqual({ ok: true, mime: 'text/plain' });
  });

  it('takes text with stray NUL bytes as text (they are dropped when it is read)', async () => {
    const notes = Buffer.from('The ribosome\u0000 makes protein.\u0000\n'.repeat(500));
    expect(await sniff('notes.txt', notes)).toEqual({ ok: true, mime: 'text/plain' });
    expect(await sniff('notes.md', Buffer.from('# Cells\n\nhello\u0000world\n'))).toEqual({
      ok: true,
      mime: 'text/markdown',
    });
  });

  it('refuses as not UTF-8 text a file whose bytes are often NUL (UTF-16 text, binary data), saying so', async () => {
    const utf16 = Buffer.from('\ufeffThe ribosome makes protein.\n', 'utf16le').subarray(2);
    const binary = Buffer.concat([Buffer.from('# T\n\n'), Buffer.from('a\u0000'.repeat(1000))]);
    const zeros = Buffer.alloc(4096);
    for (const [name, bytes] of [
      ['notes.txt', utf16],
      ['notes.md', binary],
      ['zeros.txt', zeros],
    ] as const) {
      expect(await sniff(name, bytes), name).toEqual({
        ok: false,
        code: 'unsupported_type',
        message: NUL_TEXT_MESSAGE,
      });
    }
  });

  it('keeps only the first KB of the content', () => {
    const inspector = new ContentInspector();
    for (let i = 0; i < 10; i++) inspector.push(Buffer.alloc(700, 0x61));
    const facts = inspector.finish();
    expect(facts.size).toBe(7000);
    expect(facts.head.length).toBe(HEAD_BYTES);
    expect(facts.utf8).toBe(true);
  });
});

describe('ZIP central directory', () => {
  it('lists the entries of a DOCX and of a ZIP with a trailing comment', async () => {
    const names = await readZipEntryNames(join(dir, await write((await docx()).bytes)));
    expect(names).toContain(WORD_DOCUMENT_ENTRY);
    const commented = await zipOf(
      { 'a.txt': 'a', 'dir/b.txt': 'b' },
      'PK\u0005\u0006 looks like a signature',
    );
    expect(await readZipEntryNames(join(dir, await write(commented)))).toEqual(['a.txt', 'dir/b.txt']);
  });

  it('refuses truncated or garbage archives instead of throwing', async () => {
    const zip = await zipOf({ 'word/document.xml': '<w:document/>' });
    expect(locateCentralDirectory(zip.subarray(0, zip.length - 30), zip.length - 30)).toBeNull();
    const location = locateCentralDirectory(zip, zip.length)!;
    expect(location.entries).toBe(1);
    const cd = zip.subarray(location.offset, location.offset + location.size);
    expect(centralDirectoryNames(cd, 1)).toEqual([WORD_DOCUMENT_ENTRY]);
    expect(centralDirectoryNames(cd.subarray(0, 20), 1)).toBeNull();
    expect(centralDirectoryNames(cd, 2)).toBeNull();
    expect(
      await readZipEntryNames(join(dir, await write(Buffer.from('PK\u0003\u0004 nothing else')))),
    ).toBeNull();
  });
});

async function write(bytes: Buffer): Promise<string> {
  const name = `z-${Math.random()}`;
  await writeFile(join(dir, name), bytes);
  return name;
}
