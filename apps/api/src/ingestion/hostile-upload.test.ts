import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deepOutlinePdf,
  goodFixtures,
  paragraphFloodDocx,
  sameLinePagesPdf,
  startStack,
  type Stack,
} from '@classchat/testkit';
import {
  completeOf,
  connectSocket as connectChatSocket,
  createUser,
  seedDocument,
  startChat,
  type TestSocket,
} from '../chat/chat.test-helpers.js';
import {
  connectSocket,
  signup,
  upload,
  uploadOk,
  waitFor,
  waitForTerminal,
  type RecordingSocket,
} from '../testing/api-client.js';

const MB = 1024 * 1024;
/** rag's parse workers get 64 MB here, so a flood a CI machine builds in a second overruns them. */
const PARSE_MEMORY_MB = 64;

let stack: Stack;
const sockets: Array<RecordingSocket | TestSocket> = [];
beforeAll(async () => {
  stack = await startStack({ rag: { INGEST_PARSE_MEMORY_MB: String(PARSE_MEMORY_MB) } });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await stack?.stop();
});

describe('a hostile upload', () => {
  it("a DOCX flooded with paragraphs fails with a reason, rag stays up, and another student's answer streams while it is parsed", async () => {
    // ~8 MB of <w:p> paragraphs in a ~35 KB upload: its parse needs several times the 64 MB budget.
    const flood = await paragraphFloodDocx({ xmlBytes: 8 * MB });
    const attacker = await signup(stack.apiUrl, 'Attacker');
    const attackerSocket = await connectSocket(stack.apiUrl, attacker.token);
    sockets.push(attackerSocket);
    const student = await createUser(stack, { name: 'Student' });
    const { classId } = await seedDocument(stack, student.id);
    const studentSocket = await connectChatSocket(stack, student);
    sockets.push(studentSocket);

    const doc = await uploadOk(stack.apiUrl, attacker, flood);
    const statuses = () =>
      attackerSocket.events.flatMap((e) => (e.event === 'processing-status' ? [e.payload] : []));
    await waitFor(() => statuses().some((s) => s.stage === 'parsing'), 'the flood to reach parsing');

    stack.upstream!.setDefault({
      tokens: ['The', ' mitochondrion', ' makes', ' ATP', '.'],
      tokenDelayMs: 20,
    });
    const { streamId } = await startChat(stack, student, {
      message: 'What does the mitochondrion produce?',
      classId,
      streamId: randomUUID(),
    });
    await studentSocket.waitFor((e) => e.streamId === streamId && e.type === 'chat-stream-token', 60_000);
    // The first token arrived while the flood was still being parsed: nothing after parsing yet.
    expect(
      statuses().every((s) => s.status === 'processing' && ['queued', 'parsing'].includes(s.stage)),
    ).toBe(true);
    expect(completeOf(await studentSocket.terminal(streamId, 60_000)).content).toBe(
      'The mitochondrion makes ATP.',
    );

    const reason = `Reading this file needed more than the ${PARSE_MEMORY_MB} MB memory limit and was stopped. Split it into smaller files and upload them.`;
    const failed = await waitFor(
      () => statuses().find((s) => s.status === 'failed'),
      'the flood to fail',
      60_000,
    );
    expect(failed).toMatchObject({ docId: doc.id, error: reason });
    expect(await waitForTerminal(stack.apiUrl, attacker, doc.id)).toMatchObject({
      status: 'failed',
      error: reason,
    });

    // rag is still serving, and ingests the next upload normally.
    expect((await fetch(`${stack.ragUrl}/healthz`)).status).toBe(200);
    const next = await uploadOk(stack.apiUrl, attacker, await goodFixtures.plainText());
    expect(await waitForTerminal(stack.apiUrl, attacker, next.id)).toMatchObject({ status: 'ready' });
  }, 120_000);

  it('odd but readable files are read: an outline nested 20,000 deep, the same one line on every page, stray NULs in text', async () => {
    const student = await signup(stack.apiUrl, 'Odd files');
    const files = [
      deepOutlinePdf({ depth: 20_000 }),
      sameLinePagesPdf({ pages: 40 }),
      {
        fileName: 'nul-bytes.txt',
        bytes: Buffer.from('The ribosome\u0000 makes protein.\u0000\n'.repeat(50)),
      },
    ];
    for (const file of files) {
      const doc = await uploadOk(stack.apiUrl, student, file);
      const done = await waitForTerminal(stack.apiUrl, student, doc.id);
      expect(done, file.fileName).toMatchObject({ status: 'ready', error: null });
      expect(done.chunkCount, file.fileName).toBeGreaterThan(0);
    }
    const utf16 = Buffer.from('The ribosome makes protein.\n'.repeat(50), 'utf16le');
    expect(await upload(stack.apiUrl, student, { fileName: 'utf16.txt', bytes: utf16 })).toMatchObject({
      status: 415,
      body: {
        code: 'unsupported_type',
        message: expect.stringMatching(/^This file is not UTF-8 text: many of its bytes are NUL/) as unknown,
      },
    });
  }, 120_000);
});
