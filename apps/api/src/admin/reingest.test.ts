import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createRepositories, type Database } from '@classchat/db';
import { goodFixtures, startStack, STRUCTURED_PDF, structuredPdf, type Stack } from '@classchat/testkit';
import { DocumentDto } from '@classchat/contracts';
import { call, signup, uploadOk, waitForTerminal, type TestUser } from '../testing/api-client.js';
import { runAdmin } from './cli.js';

let stack: Stack;
let database: Database;
let repos: ReturnType<typeof createRepositories>;

beforeAll(async () => {
  stack = await startStack({ model: 'offline' });
  database = connect(stack.databaseUrl, { max: 2 });
  repos = createRepositories(database.db);
});
afterAll(async () => {
  await database?.close();
  await stack?.stop();
});

/** The admin CLI run in-process against the stack, with its output lines. */
async function admin(...argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdmin(argv, {
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: stack.databaseUrl,
      RAG_URL: stack.ragUrl,
      DATA_DIR: stack.dataDir,
      INTERNAL_TOKEN: stack.internalToken,
      JWT_SECRET: 'admin-test-secret',
      LOG_LEVEL: 'silent',
    },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err: err.join('\n') };
}

/**
 * A ready document as ingestion left it before it read structure: one chunk of raw text, no
 * section, no outline.
 */
async function uploadedBeforeStructure(user: TestUser, file: { fileName: string; bytes: Buffer }) {
  const { id } = await uploadOk(stack.apiUrl, user, file);
  await waitForTerminal(stack.apiUrl, user, id);
  const doc = (await repos.documents.get(user.id, id))!;
  await repos.chunks.insertForDocument(doc, [
    { chunkIndex: 0, pageStart: 1, pageEnd: 1, charStart: 0, charEnd: 9, text: 'old chunk', tokenCount: 2 },
  ]);
  await repos.documents.markReady(id, doc.pageCount ?? 1, 1);
  return id;
}

describe('npm run admin -- reingest', () => {
  it("reads a user's documents again with sections and an outline, reporting progress", async () => {
    const student = await signup(stack.apiUrl, 'Reingest');
    const other = await signup(stack.apiUrl, 'Untouched');
    const id = await uploadedBeforeStructure(student, await structuredPdf({ outline: true }));
    const othersId = await uploadedBeforeStructure(other, await goodFixtures.markdown());
    expect((await repos.documents.get(student.id, id))?.outline).toBeNull();

    const { code, out } = await admin('reingest', '--user', student.email.toUpperCase());
    expect(code).toBe(0);
    const prefix = `[1/1] data-analysis-with-r.pdf (${id})`;
    expect(out[0]).toBe('re-ingesting 1 document');
    expect(out).toContain(`${prefix}: queued`);
    expect(out.some((l) => l.startsWith(`${prefix}: parsing`))).toBe(true);
    expect(out).toContain(
      `${prefix}: ready: 8 pages, ${(await repos.documents.get(student.id, id))!.chunkCount} passages`,
    );
    expect(out.at(-1)).toBe('done: 1 ready, 0 failed, 0 skipped of 1');

    const doc = await repos.documents.get(student.id, id);
    expect(doc).toMatchObject({ status: 'ready', outline: STRUCTURED_PDF.outline });
    const dto = DocumentDto.parse((await call(stack.apiUrl, student, 'GET', `/documents/${id}`)).body);
    expect(dto.outline).toEqual(STRUCTURED_PDF.outline);
    const {
      hits: [hit],
    } = await repos.chunks.fullTextSearch({ userId: student.id, documentId: id }, 'missing value NA', 1);
    expect(hit?.sectionPath).toEqual(['2 Data', '2.5 Missing values']);
    // Another user's document was not read again.
    expect(await repos.chunks.countInScope({ userId: other.id, documentId: othersId })).toBe(1);
    expect((await repos.documents.get(other.id, othersId))?.outline).toBeNull();
  });

  it('takes document ids, or every ready document with --all', async () => {
    const student = await signup(stack.apiUrl, 'ById');
    const id = await uploadedBeforeStructure(student, await goodFixtures.markdown());
    const byId = await admin('reingest', id);
    expect(byId.code).toBe(0);
    expect((await repos.documents.get(student.id, id))?.outline?.map((e) => e.title)).toContain(
      'Eigenvalues',
    );

    const again = await uploadedBeforeStructure(student, await goodFixtures.docx());
    const all = await admin('reingest', '--all');
    expect(all.code).toBe(0);
    expect(all.out.at(-1)).toMatch(/^done: (\d+) ready, 0 failed, 0 skipped of \1$/);
    expect((await repos.documents.get(student.id, again))?.outline?.length).toBe(3);
  });

  it('explains its usage when the selection is missing, ambiguous or unknown', async () => {
    expect((await admin()).code).toBe(2);
    expect((await admin('nope')).err).toContain('unknown command: nope');
    const none = await admin('reingest');
    expect(none.code).toBe(2);
    expect(none.err).toContain('choose exactly one of --all, --user <email> or document ids');
    expect((await admin('reingest', '--all', '--user', 'a@example.edu')).code).toBe(2);
    expect((await admin('reingest', '--user', 'nobody@example.edu')).err).toContain('no user with email');
    expect((await admin('reingest', 'not-an-id')).err).toContain('not a document id: not-an-id');
    expect((await admin('reingest', '--frobnicate')).code).toBe(2);
  });
});
