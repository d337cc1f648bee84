import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentDto, DocumentList, type ErrorBody, type UploadResponse } from '@classchat/contracts';
import { connect, createRepositories, type Database } from '@classchat/db';
import {
  badFixtures,
  goodFixtures,
  normalizeText,
  oversized,
  startStack,
  type GoodFixture,
  type Stack,
} from '@classchat/testkit';
import {
  call,
  connectSocket,
  signup,
  upload,
  uploadOk,
  waitFor,
  waitForTerminal,
  type RecordedEvent,
  type RecordingSocket,
  type TestUser,
} from '../testing/api-client.js';

let stack: Stack;
let database: Database;
let repos: ReturnType<typeof createRepositories>;
let alice: TestUser;
let bob: TestUser;
let aliceSockets: RecordingSocket[];
let bobSocket: RecordingSocket;

const MAX_UPLOAD_MB = 2;

beforeAll(async () => {
  stack = await startStack({ api: { MAX_UPLOAD_MB: String(MAX_UPLOAD_MB) } });
  database = connect(stack.databaseUrl, { max: 2 });
  repos = createRepositories(database.db);
  [alice, bob] = await Promise.all([signup(stack.apiUrl, 'Alice'), signup(stack.apiUrl, 'Bob')]);
  // Two tabs for Alice, one for Bob.
  aliceSockets = await Promise.all([
    connectSocket(stack.apiUrl, alice.token),
    connectSocket(stack.apiUrl, alice.token),
  ]);
  bobSocket = await connectSocket(stack.apiUrl, bob.token);
});

afterAll(async () => {
  for (const s of [...(aliceSockets ?? []), bobSocket]) s?.close();
  await database?.close();
  await stack?.stop();
});

const eventsFor = (socket: RecordingSocket, docId: string): RecordedEvent[] =>
  socket.events.filter((e) => 'docId' in e.payload && e.payload.docId === docId);

const filesOnDisk = () => {
  const dir = join(stack.dataDir, 'files');
  return existsSync(dir) ? readdirSync(dir) : [];
};

async function ingestAndWatch(fixture: GoodFixture) {
  const doc = await uploadOk(stack.apiUrl, alice, fixture);
  expect(doc).toMatchObject({ fileName: fixture.fileName, mimeType: fixture.mimeType, status: 'uploaded' });
  const ready = await waitFor(
    () => eventsFor(aliceSockets[0]!, doc.id).find((e) => e.event === 'document-ready'),
    `document-ready for ${fixture.fileName}`,
  );
  return { doc, ready };
}

describe('upload → live ingestion → ready', () => {
  it.each(Object.keys(goodFixtures) as Array<keyof typeof goodFixtures>)(
    '%s: processing-status events in order, then document-ready, and chunks on the right pages',
    async (name) => {
      const fixture = await goodFixtures[name]();
      const { doc, ready } = await ingestAndWatch(fixture);

      const events = eventsFor(aliceSockets[0]!, doc.id);
      const statuses = events.filter((e) => e.event === 'processing-status').map((e) => e.payload);
      expect(statuses.length).toBeGreaterThan(2);
      expect(events.at(-1)?.event).toBe('document-ready');
      const order = ['queued', 'parsing', 'chunking', 'embedding', 'indexing', 'done'];
      for (let i = 1; i < statuses.length; i++) {
        expect(statuses[i]!.progress).toBeGreaterThanOrEqual(statuses[i - 1]!.progress);
        expect(order.indexOf(statuses[i]!.stage)).toBeGreaterThanOrEqual(
          order.indexOf(statuses[i - 1]!.stage),
        );
      }
      expect(statuses.map((s) => s.stage)).toEqual(
        expect.arrayContaining(['parsing', 'chunking', 'indexing']),
      );
      expect(statuses.at(-1)).toMatchObject({ status: 'ready', stage: 'done', progress: 1, error: null });
      // The second tab saw exactly the same events.
      expect(eventsFor(aliceSockets[1]!, doc.id)).toEqual(events);

      const { pageCount } = fixture.expected;
      expect(ready.payload).toMatchObject({ docId: doc.id, pageCount });

      const stored = await repos.documents.get(alice.id, doc.id);
      expect(stored).toMatchObject({ status: 'ready', pageCount, progress: 1 });
      expect(stored!.chunkCount).toBe((ready.payload as { chunkCount: number }).chunkCount);

      const chunks = await repos.chunks.sampleAcross({ userId: alice.id, documentId: doc.id }, 1000);
      expect(chunks).toHaveLength(stored!.chunkCount!);
      // Every chunk sits on real pages; every page's text is covered by the chunks of that page.
      for (const c of chunks) {
        expect(c.pageStart).toBeGreaterThanOrEqual(1);
        expect(c.pageEnd).toBeLessThanOrEqual(pageCount);
      }
      fixture.expected.pages.forEach((pageText, i) => {
        const onPage = chunks.filter((c) => c.pageStart === i + 1 && c.pageEnd === i + 1);
        expect(onPage.length, `chunks of page ${i + 1}`).toBeGreaterThan(0);
        expect(normalizeText(onPage.map((c) => c.text).join(' '))).toContain(
          normalizeText(pageText).slice(0, 200),
        );
      });
      for (const fact of fixture.expected.facts) {
        const holding = chunks.filter((c) => normalizeText(c.text).includes(normalizeText(fact.phrase)));
        expect(holding.length, fact.phrase).toBeGreaterThan(0);
        for (const c of holding) expect([c.pageStart, c.pageEnd]).toEqual([fact.page, fact.page]);
      }
      // Embeddings came from the (fake) embeddings endpoint.
      expect(await repos.chunks.scopeHasEmbeddings({ userId: alice.id, documentId: doc.id })).toBe(true);
    },
  );

  it('the 5-page PDF has exactly one chunk per page: the page text without its running footer', async () => {
    const fixture = await goodFixtures.multiPagePdf();
    // Uploaded by the flow above already (then this answers the existing document), or now.
    const pdf = await uploadOk(stack.apiUrl, alice, fixture);
    await waitForTerminal(stack.apiUrl, alice, pdf.id);
    const chunks = await repos.chunks.sampleAcross({ userId: alice.id, documentId: pdf.id }, 100);
    expect(chunks.map((c) => [c.pageStart, c.pageEnd])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
    // The footer ("Cell Biology 101, Unit 4 - printed page 13") repeats on every page: it is page
    // furniture, not text to index or quote.
    const withoutFooter = fixture.expected.pages.map((text) =>
      text.replace(/\n\n[^\n]*printed page \d+$/, ''),
    );
    expect(withoutFooter[2]).not.toContain('printed page');
    expect(chunks.map((c) => normalizeText(c.text))).toEqual(withoutFooter.map(normalizeText));
  });

  it("progress and ready events reach only the owner's sockets", async () => {
    const { doc } = await ingestAndWatch({
      ...(await goodFixtures.plainText()),
      fileName: 'owner-only.txt',
      bytes: Buffer.from('Only Alice may hear about this document.\n'),
    });
    expect(eventsFor(aliceSockets[0]!, doc.id).length).toBeGreaterThan(2);
    expect(eventsFor(aliceSockets[1]!, doc.id)).toEqual(eventsFor(aliceSockets[0]!, doc.id));
    await new Promise((r) => setTimeout(r, 100));
    expect(bobSocket.events).toEqual([]);
  });
});

describe('malformed uploads', () => {
  const rejected = (
    res: { status: number; body: unknown },
    status: number,
    code: string,
    message: RegExp,
  ) => {
    expect(res.status).toBe(status);
    expect(res.body as ErrorBody).toMatchObject({ code, message: expect.stringMatching(message) as unknown });
  };

  it('answers 4xx at upload for what the bytes already tell, and keeps no file', async () => {
    const before = filesOnDisk();
    rejected(await upload(stack.apiUrl, alice, await badFixtures.emptyFile()), 400, 'invalid_input', /empty/);
    rejected(
      await upload(stack.apiUrl, alice, await badFixtures.pngNamedPdf()),
      415,
      'unsupported_type',
      /PNG.*PDF, a Word document \(\.docx\), a Markdown file \(\.md\) or a plain text file \(\.txt\)/,
    );
    rejected(
      await upload(stack.apiUrl, alice, await badFixtures.notAZipDocx()),
      415,
      'unsupported_type',
      /named like a Word document/,
    );
    rejected(
      await upload(stack.apiUrl, alice, await badFixtures.notUtf8Text()),
      415,
      'unsupported_type',
      /not UTF-8 encoded/,
    );
    expect(filesOnDisk()).toEqual(before);
  });

  it('413 while reading an upload over MAX_UPLOAD_MB; the partial file is removed', async () => {
    const before = filesOnDisk();
    const big = await oversized(MAX_UPLOAD_MB * 1024 * 1024 + 10_000);
    rejected(await upload(stack.apiUrl, alice, big), 413, 'payload_too_large', /2 MB upload limit/);
    // Without a Content-Length (chunked), the limit still applies while streaming.
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(big.bytes)]), big.fileName);
    const body = new Response(form);
    const res = await fetch(`${stack.apiUrl}/api/v1/documents`, {
      method: 'POST',
      headers: { ...alice.auth, 'content-type': body.headers.get('content-type')! },
      body: body.body,
      duplex: 'half',
    });
    expect(res.status).toBe(413);
    expect(filesOnDisk()).toEqual(before);
  });

  it.each([
    ['truncatedPdf', /damaged or not a valid PDF\/DOCX/],
    ['passwordProtectedPdf', /^This PDF is password-protected\. Remove the password and upload it again\.$/],
    ['blankPagesPdf', /^No extractable text — is it a scanned image\?$/],
  ] as const)('%s ends failed with a reason the student understands', async (name, reason) => {
    const fixture = await badFixtures[name]();
    const doc = await uploadOk(stack.apiUrl, alice, fixture);
    const failedEvent = await waitFor(
      () =>
        eventsFor(aliceSockets[0]!, doc.id).find(
          (e) => e.event === 'processing-status' && e.payload.status === 'failed',
        ),
      `failed status for ${name}`,
    );
    expect(failedEvent.payload).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(reason) as unknown,
    });
    const final = await waitForTerminal(stack.apiUrl, alice, doc.id);
    expect(final).toMatchObject({ status: 'failed', error: expect.stringMatching(reason) as unknown });
    expect(eventsFor(aliceSockets[0]!, doc.id).some((e) => e.event === 'document-ready')).toBe(false);
  });

  it('keeps serving after all of that', async () => {
    expect((await fetch(`${stack.apiUrl}/readyz`)).status).toBe(200);
    expect((await call(stack.apiUrl, alice, 'GET', '/documents')).status).toBe(200);
  });

  it('validates the fields: a class that is not yours is 404, a malformed id 400', async () => {
    const fixture = await goodFixtures.plainText();
    const bobsClass = (await call(stack.apiUrl, bob, 'POST', '/classes', { name: 'History' })).body as {
      id: string;
    };
    expect((await upload(stack.apiUrl, alice, fixture, { classId: bobsClass.id })).status).toBe(404);
    const bad = await upload(stack.apiUrl, alice, fixture, { classId: 'not-a-uuid' });
    expect(bad.status).toBe(400);
    expect((bad.body as ErrorBody).issues?.[0]?.path).toBe('classId');
    const noFile = await fetch(`${stack.apiUrl}/api/v1/documents`, {
      method: 'POST',
      headers: alice.auth,
      body: (() => {
        const f = new FormData();
        f.append('classId', '');
        return f;
      })(),
    });
    expect(noFile.status).toBe(400);
    const json = await fetch(`${stack.apiUrl}/api/v1/documents`, {
      method: 'POST',
      headers: { ...alice.auth, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(400);
  });
});

describe('documents API', () => {
  it('makes one document of identical uploads sent at the same time', async () => {
    const fixture = await goodFixtures.plainText();
    const cls = (await call(stack.apiUrl, alice, 'POST', '/classes', { name: 'Concurrent uploads' }))
      .body as {
      id: string;
    };
    const filesBefore = filesOnDisk().length;
    const results = await Promise.all(
      Array.from({ length: 5 }, () => upload(stack.apiUrl, alice, fixture, { classId: cls.id })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const ids = new Set(results.map((r) => (r.body as UploadResponse).document.id));
    expect(ids.size).toBe(1);
    expect(filesOnDisk().length).toBe(filesBefore + 1);
    await waitForTerminal(stack.apiUrl, alice, [...ids][0]!);
  });

  it('returns the existing document for the same content in the same class, a new one in another class', async () => {
    const fixture = await goodFixtures.markdown();
    const cls = (await call(stack.apiUrl, alice, 'POST', '/classes', { name: 'Linear Algebra' })).body as {
      id: string;
    };
    const first = await upload(stack.apiUrl, alice, fixture, { classId: cls.id });
    expect(first.status).toBe(201);
    const firstDoc = (first.body as UploadResponse).document;
    const filesAfterFirst = filesOnDisk();
    const again = await upload(stack.apiUrl, alice, fixture, { classId: cls.id });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, document: { id: firstDoc.id } });
    expect(filesOnDisk()).toEqual(filesAfterFirst); // the second copy was not kept
    const other = (await call(stack.apiUrl, alice, 'POST', '/classes', { name: 'Linear Algebra II' }))
      .body as {
      id: string;
    };
    const elsewhere = await upload(stack.apiUrl, alice, fixture, { classId: other.id });
    expect(elsewhere.status).toBe(201);
    expect((elsewhere.body as UploadResponse).document.id).not.toBe(firstDoc.id);
    await waitForTerminal(stack.apiUrl, alice, (elsewhere.body as UploadResponse).document.id);
    await waitForTerminal(stack.apiUrl, alice, firstDoc.id);

    const inClass = (await call(stack.apiUrl, alice, 'GET', `/documents?classId=${cls.id}`)).body as {
      documents: DocumentDto[];
    };
    expect(inClass.documents.map((d) => d.id)).toEqual([firstDoc.id]);
    const noClass = (await call(stack.apiUrl, alice, 'GET', '/documents?classId=null')).body as {
      documents: DocumentDto[];
    };
    expect(noClass.documents.every((d) => d.classId === null)).toBe(true);
    expect((await call(stack.apiUrl, alice, 'GET', '/documents?classId=nope')).status).toBe(400);
  });

  it('serves the original file inline with its type and name', async () => {
    const fixture = await goodFixtures.multiPagePdf();
    const pdf = await uploadOk(stack.apiUrl, alice, fixture);
    const res = await fetch(`${stack.apiUrl}/api/v1/documents/${pdf.id}/file`, { headers: alice.auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(
      `inline; filename="cell-biology-unit4.pdf"; filename*=UTF-8''cell-biology-unit4.pdf`,
    );
    expect(Buffer.from(await res.arrayBuffer()).equals(fixture.bytes)).toBe(true);

    const named = { fileName: 'Résumé (week 1).txt', bytes: Buffer.from('Notes about the résumé.\n') };
    const doc = await uploadOk(stack.apiUrl, alice, named);
    const text = await fetch(`${stack.apiUrl}/api/v1/documents/${doc.id}/file`, { headers: alice.auth });
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(text.headers.get('content-disposition')).toBe(
      `inline; filename="R_sum_ (week 1).txt"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%28week%201%29.txt`,
    );
    expect(await text.text()).toBe('Notes about the résumé.\n');
  });

  it('answers a document and the list with its outline, as the contract parses it', async () => {
    const doc = await uploadOk(stack.apiUrl, alice, {
      fileName: 'outlined-notes.md',
      bytes: Buffer.from('# Data\n\nNotes about vectors and missing values.\n'),
    });
    await waitForTerminal(stack.apiUrl, alice, doc.id);
    const outline = [
      { title: '2 Data', level: 1, pageStart: 1, pageEnd: 1 },
      { title: '2.5 Missing values', level: 2, pageStart: 1, pageEnd: 1 },
    ];
    await database.pool.query('UPDATE documents SET outline = $1 WHERE id = $2', [
      JSON.stringify(outline),
      doc.id,
    ]);
    const one = await call(stack.apiUrl, alice, 'GET', `/documents/${doc.id}`);
    expect(DocumentDto.parse(one.body).outline).toEqual(outline);
    const list = DocumentList.parse((await call(stack.apiUrl, alice, 'GET', '/documents')).body);
    expect(list.documents.find((d) => d.id === doc.id)?.outline).toEqual(outline);
  });

  it("user B cannot list, get, download or delete user A's documents (404, existence does not leak)", async () => {
    const target = await uploadOk(stack.apiUrl, alice, {
      fileName: 'private-notes.txt',
      bytes: Buffer.from('Private notes.\n'),
    });
    expect((await call(stack.apiUrl, bob, 'GET', '/documents')).body).toEqual({ documents: [] });
    const missing = `/documents/00000000-0000-4000-8000-000000000000`;
    for (const [method, path] of [
      ['GET', `/documents/${target.id}`],
      ['GET', `/documents/${target.id}/file`],
      ['DELETE', `/documents/${target.id}`],
    ] as const) {
      const asBob = await call(stack.apiUrl, bob, method, path);
      const nothing = await call(stack.apiUrl, bob, method, path.replace(`/documents/${target.id}`, missing));
      expect(asBob.status).toBe(404);
      expect(asBob.body).toEqual(nothing.body);
    }
    expect((await call(stack.apiUrl, alice, 'GET', `/documents/${target.id}`)).status).toBe(200);
    expect((await call(stack.apiUrl, null, 'GET', '/documents')).status).toBe(401);
  });

  it('deleting a document removes its chunks and its file', async () => {
    const doc = await uploadOk(stack.apiUrl, alice, {
      fileName: 'delete-me.txt',
      bytes: Buffer.from('Delete me soon.\n'),
    });
    await waitForTerminal(stack.apiUrl, alice, doc.id);
    expect(filesOnDisk()).toContain(doc.id);
    expect(await repos.chunks.countInScope({ userId: alice.id, documentId: doc.id })).toBeGreaterThan(0);
    expect((await call(stack.apiUrl, alice, 'DELETE', `/documents/${doc.id}`)).status).toBe(204);
    expect(filesOnDisk()).not.toContain(doc.id);
    expect(await repos.chunks.countInScope({ userId: alice.id, documentId: doc.id })).toBe(0);
    expect((await call(stack.apiUrl, alice, 'GET', `/documents/${doc.id}`)).status).toBe(404);
  });
});
