import { existsSync, readdirSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentDto, ErrorBody, Usage } from '@classchat/contracts';
import { badFixtures, startStack, type Stack } from '@classchat/testkit';
import { loadApiConfig } from '../config.js';
import { startApi, type RunningApi } from '../server.js';
import {
  call,
  signup,
  upload,
  uploadOk,
  waitFor,
  waitForTerminal,
  type TestUser,
} from '../testing/api-client.js';
import { cleanFileName } from './upload.js';

const MB = 1024 * 1024;
/** `x` megabytes, in whole bytes. */
const mb = (x: number) => Math.round(x * MB);

/** A text file of `bytes` bytes whose content is its own (so it is never a duplicate). */
const textFile = (bytes: number, fileName = 'notes.txt') => {
  const head = `Notes ${crypto.randomUUID()}\n`;
  return { fileName, bytes: Buffer.from(head + 'x'.repeat(Math.max(0, bytes - head.length))) };
};

const storageOf = async (apiUrl: string, user: TestUser) =>
  ((await call(apiUrl, user, 'GET', '/user/usage')).body as Usage).storage;

describe('storage quota (USER_STORAGE_MB)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ model: 'offline', api: { USER_STORAGE_MB: '1', MAX_UPLOAD_MB: '5' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses an upload that does not fit with a 413 that says so, keeps no file, and reports the usage', async () => {
    const user = await signup(stack.apiUrl, 'Hoarder');
    await uploadOk(stack.apiUrl, user, textFile(mb(0.6)));
    expect(await storageOf(stack.apiUrl, user)).toEqual({ usedBytes: mb(0.6), limitBytes: MB });

    // Larger than what is left (declared up front).
    const tooBig = await upload(stack.apiUrl, user, textFile(mb(0.5)));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body as ErrorBody).toMatchObject({
      code: 'storage_quota_exceeded',
      message:
        'This file does not fit in the 0.4 MB left of your 1 MB library. Delete documents you no longer need to make room.',
    });

    // What fits goes in; then the library is full and says so before reading anything.
    await uploadOk(stack.apiUrl, user, textFile(mb(0.4)));
    const full = await upload(stack.apiUrl, user, textFile(10));
    expect(full.status).toBe(413);
    expect((full.body as ErrorBody).message).toMatch(/^Your library is full \(1 MB of 1 MB\)/);
    expect(await storageOf(stack.apiUrl, user)).toEqual({ usedBytes: MB, limitBytes: MB });
    // Only the two accepted files are on disk: nothing of the refused ones was kept.
    expect(readdirSync(join(stack.dataDir, 'files'))).toHaveLength(2);

    // Another user's library is their own.
    const other = await signup(stack.apiUrl, 'Other');
    await uploadOk(stack.apiUrl, other, textFile(mb(0.5)));
  });

  it('stops reading an upload without Content-Length as soon as it passes what is left', async () => {
    const user = await signup(stack.apiUrl, 'Chunked');
    await uploadOk(stack.apiUrl, user, textFile(mb(0.9)));
    const form = new FormData();
    const big = textFile(2 * MB);
    form.append('file', new Blob([new Uint8Array(big.bytes)]), big.fileName);
    const body = new Response(form);
    const res = await fetch(`${stack.apiUrl}/api/v1/documents`, {
      method: 'POST',
      headers: { ...user.auth, 'content-type': body.headers.get('content-type')! },
      body: body.body,
      duplex: 'half',
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorBody).code).toBe('storage_quota_exceeded');
    expect((await storageOf(stack.apiUrl, user)).usedBytes).toBe(mb(0.9));
  });

  it("removes a failed document's file and keeps its row with the reason; it no longer counts", async () => {
    const user = await signup(stack.apiUrl, 'Failing');
    const doc = await uploadOk(stack.apiUrl, user, await badFixtures.blankPagesPdf());
    const failed = await waitForTerminal(stack.apiUrl, user, doc.id);
    expect(failed).toMatchObject({ status: 'failed', error: 'No extractable text — is it a scanned image?' });
    // rag records the failure first; the api then removes the file.
    await waitFor(() => !existsSync(join(stack.dataDir, 'files', doc.id)), 'the failed file to be removed');
    expect((await storageOf(stack.apiUrl, user)).usedBytes).toBe(0);
    const listed = (await call(stack.apiUrl, user, 'GET', '/documents')).body as { documents: DocumentDto[] };
    expect(listed.documents.map((d) => [d.id, d.status])).toEqual([[doc.id, 'failed']]);
    const file = await call(stack.apiUrl, user, 'GET', `/documents/${doc.id}/file`);
    expect(file.status).toBe(404);
    expect((file.body as ErrorBody).message).toMatch(/could not be processed/);
  });
});

describe('a disk nearly full (UPLOAD_MIN_FREE_DISK_MB)', () => {
  let stack: Stack;
  let crowded: RunningApi;
  beforeAll(async () => {
    stack = await startStack({ model: 'offline' });
    // Same data directory, but it wants more free space than any disk here has.
    crowded = await startApi(
      loadApiConfig({ ...stack.apiEnv, UPLOAD_MIN_FREE_DISK_MB: String(1024 * 1024 * 1024) }),
    );
  });
  afterAll(async () => {
    await crowded?.stop();
    await stack?.stop();
  });

  it('refuses uploads with a 507 that says why, while the other api (enough room) accepts them', async () => {
    const user = await signup(stack.apiUrl, 'Crowded');
    const refused = await upload(crowded.url, user, textFile(1000));
    expect(refused.status).toBe(507);
    expect(refused.body as ErrorBody).toEqual({
      code: 'insufficient_storage',
      message: 'Uploads are paused: the server is almost out of disk space. Please try again later.',
    });
    await uploadOk(stack.apiUrl, user, textFile(1000));
  });
});

describe('uploads still being received (UPLOAD_MIN_FREE_DISK_MB)', () => {
  let stack: Stack;
  let tight: RunningApi;
  beforeAll(async () => {
    stack = await startStack({ model: 'offline' });
    // Room for one 20 MB upload above the reserve, not for two.
    const stats = await statfs(stack.dataDir);
    const freeMb = Math.floor((stats.bavail * stats.bsize) / MB);
    tight = await startApi(loadApiConfig({ ...stack.apiEnv, UPLOAD_MIN_FREE_DISK_MB: String(freeMb - 30) }));
  });
  afterAll(async () => {
    await tight?.stop();
    await stack?.stop();
  });

  it('count against the free disk with what they declare, until they end', async () => {
    const user = await signup(tight.url, 'Flood');
    const size = mb(20);
    // The first upload announces 20 MB and sends almost none of it: nothing on disk yet.
    const held = request(`${tight.url}/api/v1/documents`, {
      method: 'POST',
      headers: {
        ...user.auth,
        'content-type': 'multipart/form-data; boundary=b',
        'content-length': String(size),
      },
    });
    const heldClosed = new Promise<void>((resolve) => {
      held.once('error', () => resolve());
      held.once('close', () => resolve());
    });
    held.write('--b\r\nContent-Disposition: form-data; name="file"; filename="held.txt"\r\n\r\nNotes ');
    try {
      await waitFor(() => {
        const files = join(stack.dataDir, 'files');
        return existsSync(files) && readdirSync(files).some((f) => f.endsWith('.part'));
      }, 'the first upload to be received');
      const second = await upload(tight.url, user, textFile(size));
      expect(second.status).toBe(507);
    } finally {
      held.destroy();
      await heldClosed;
    }
    // Its reservation ends with it: the same upload now fits.
    await waitFor(
      async () => (await upload(tight.url, user, textFile(size))).status === 201,
      'an upload to fit once the first ended',
    );
  });
});

describe('file names', () => {
  it('lose bidirectional override and isolate characters, so a name shows as what it is', () => {
    expect(cleanFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(cleanFileName('\u2066notes\u2069 \u200Fv2\u200E.pdf')).toBe('notes v2.pdf');
    expect(cleanFileName('a\u202A\u202B\u202C\u202D\u061Cb.md')).toBe('ab.md');
    expect(cleanFileName('Résumé — 日本語.pdf')).toBe('Résumé — 日本語.pdf');
    expect(cleanFileName('dir/../\u0000x\u0007.txt')).toBe('x.txt');
  });
});
