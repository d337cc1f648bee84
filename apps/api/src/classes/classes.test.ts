import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassDto, ClassList, DocumentDto, ErrorBody } from '@classchat/contracts';
import type { Stack } from '@classchat/testkit';
import { call, uploadOk, waitForTerminal, type TestUser } from '../testing/api-client.js';
import { startStackWithAliceAndBob } from '../testing/stack.test-helpers.js';

let stack: Stack, alice: TestUser, bob: TestUser;
beforeAll(async () => {
  ({ stack, alice, bob } = await startStackWithAliceAndBob());
});
afterAll(async () => {
  await stack?.stop();
});

const create = async (user: TestUser, name: string) => {
  const res = await call(stack.apiUrl, user, 'POST', '/classes', { name });
  expect(res.status).toBe(201);
  return res.body as ClassDto;
};

describe('classes', () => {
  it('creates, lists (by name, with document counts), renames', async () => {
    const bio = await create(alice, '  Biology 101 ');
    expect(bio).toMatchObject({ name: 'Biology 101', documentCount: 0 });
    await create(alice, 'algebra');
    await uploadOk(
      stack.apiUrl,
      alice,
      { fileName: 'a.txt', bytes: Buffer.from('Cells are small.\n') },
      { classId: bio.id },
    );

    const list = (await call(stack.apiUrl, alice, 'GET', '/classes')).body as ClassList;
    expect(list.classes.map((c) => [c.name, c.documentCount])).toEqual([
      ['algebra', 0],
      ['Biology 101', 1],
    ]);

    const renamed = await call(stack.apiUrl, alice, 'PATCH', `/classes/${bio.id}`, { name: 'Biology 102' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: bio.id, name: 'Biology 102', documentCount: 1 });
  });

  it('keeps names unique per user (any case): 409 with the name in the message', async () => {
    await create(alice, 'Chemistry');
    const dup = await call(stack.apiUrl, alice, 'POST', '/classes', { name: 'CHEMISTRY' });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({ code: 'conflict', message: 'You already have a class named “CHEMISTRY”.' });
    const other = await create(alice, 'Physics');
    expect(
      (await call(stack.apiUrl, alice, 'PATCH', `/classes/${other.id}`, { name: 'chemistry' })).status,
    ).toBe(409);
    // Another user may use the same name.
    await create(bob, 'Chemistry');
  });

  it('validates bodies and ids', async () => {
    const empty = await call(stack.apiUrl, alice, 'POST', '/classes', { name: '   ' });
    expect(empty.status).toBe(400);
    expect((empty.body as ErrorBody).issues).toEqual([{ path: 'name', message: 'Enter a class name' }]);
    expect((await call(stack.apiUrl, alice, 'PATCH', '/classes/123', { name: 'x' })).status).toBe(400);
    expect((await call(stack.apiUrl, alice, 'DELETE', '/classes/123')).status).toBe(400);
  });

  it("user B cannot list, rename or delete user A's classes (404, as if they did not exist)", async () => {
    const mine = await create(alice, 'Private');
    const missing = '00000000-0000-4000-8000-000000000000';
    const bobs = ((await call(stack.apiUrl, bob, 'GET', '/classes')).body as ClassList).classes;
    expect(bobs.some((c) => c.id === mine.id || c.name === 'Private')).toBe(false);
    for (const id of [mine.id, missing]) {
      const rename = await call(stack.apiUrl, bob, 'PATCH', `/classes/${id}`, { name: 'Mine now' });
      expect(rename.status).toBe(404);
      expect(rename.body).toEqual({ code: 'not_found', message: 'Class not found' });
      expect((await call(stack.apiUrl, bob, 'DELETE', `/classes/${id}`)).status).toBe(404);
    }
    expect((await call(stack.apiUrl, alice, 'GET', '/classes')).body).toMatchObject({
      classes: expect.arrayContaining([expect.objectContaining({ id: mine.id, name: 'Private' })]) as unknown,
    });
  });

  it('deleting a class deletes its documents and their files, and leaves other documents alone', async () => {
    const doomed = await create(alice, 'Doomed');
    const keep = await uploadOk(stack.apiUrl, alice, {
      fileName: 'keep.md',
      bytes: Buffer.from('# Keep me\n'),
    });
    const docs: DocumentDto[] = [];
    for (const name of ['one.txt', 'two.md']) {
      docs.push(
        await uploadOk(
          stack.apiUrl,
          alice,
          { fileName: name, bytes: Buffer.from(`Content of ${name}.\n`) },
          {
            classId: doomed.id,
          },
        ),
      );
    }
    for (const d of [...docs, keep]) await waitForTerminal(stack.apiUrl, alice, d.id);
    const file = (id: string) => join(stack.dataDir, 'files', id);
    for (const d of docs) expect(existsSync(file(d.id))).toBe(true);

    expect((await call(stack.apiUrl, alice, 'DELETE', `/classes/${doomed.id}`)).status).toBe(204);
    for (const d of docs) {
      expect(existsSync(file(d.id))).toBe(false);
      expect((await call(stack.apiUrl, alice, 'GET', `/documents/${d.id}`)).status).toBe(404);
    }
    expect(existsSync(file(keep.id))).toBe(true);
    expect((await call(stack.apiUrl, alice, 'GET', `/documents/${keep.id}`)).status).toBe(200);
    expect((await call(stack.apiUrl, alice, 'DELETE', `/classes/${doomed.id}`)).status).toBe(404);
  });
});
