import { ClassList, NoContent } from '@classchat/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApi } from '../test/fakeApi.js';
import { chatApi } from './chat.js';
import { classesApi } from './classes.js';
import { documentsApi } from './documents.js';
import { ApiError, UNEXPECTED_RESPONSE_MESSAGE, UnexpectedResponseError, request } from './http.js';

const CLASS_ID = '77777777-7777-4777-8777-777777777777';
const aClass = {
  id: CLASS_ID,
  name: 'Linear Algebra',
  documentCount: 2,
  createdAt: '2025-11-20T10:00:00.000Z',
};

/** The rejection of `promise`, which must reject. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: unknown) => err,
  );
}

describe('request through a response contract', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('resolves the body as its schema reads it', async () => {
    fakeApi().on('GET /classes', { body: { classes: [{ ...aClass, extra: 'dropped' }] } });
    await expect(request(ClassList, '/classes')).resolves.toEqual({ classes: [aClass] });
  });

  it('rejects a body that breaks the contract with a clear error naming the call and the field', async () => {
    fakeApi().on('GET /classes', { body: { classes: [{ ...aClass, documentCount: 'two' }] } });
    const err = await rejectionOf(request(ClassList, '/classes'));
    expect(err).toBeInstanceOf(UnexpectedResponseError);
    expect(ApiError.is(err)).toBe(true);
    const unexpected = err as UnexpectedResponseError;
    expect(unexpected.code).toBe('unexpected_response');
    expect(unexpected.status).toBe(200);
    expect(unexpected.message).toBe(UNEXPECTED_RESPONSE_MESSAGE);
    expect(unexpected.endpoint).toBe('GET /classes');
    expect(unexpected.problems).toHaveLength(1);
    expect(unexpected.problems[0]).toMatch(/^classes\.0\.documentCount: /);
  });

  it('rejects a 200 that is not JSON (a proxy page) as an unexpected response', async () => {
    const api = fakeApi();
    api.on('GET /classes', { text: '<html>Gateway</html>' });
    const err = await rejectionOf(request(ClassList, '/classes'));
    expect(err).toBeInstanceOf(UnexpectedResponseError);
    expect((err as UnexpectedResponseError).problems[0]).toMatch(/^\(body\): /);
  });

  it('reads an empty 204 as no content, and a body where none is due as unexpected', async () => {
    fakeApi().on('DELETE /classes/:id', { status: 204 });
    await expect(request(NoContent, `/classes/${CLASS_ID}`, { method: 'DELETE' })).resolves.toBeUndefined();
    fakeApi().on('DELETE /classes/:id', { body: { deleted: true } });
    await expect(request(NoContent, `/classes/${CLASS_ID}`, { method: 'DELETE' })).rejects.toBeInstanceOf(
      UnexpectedResponseError,
    );
  });

  it("still throws the server's own error for a failed call, whatever the schema", async () => {
    fakeApi().on('GET /classes', { status: 404, body: { message: 'No such class', code: 'not_found' } });
    const err = await rejectionOf(request(ClassList, '/classes'));
    expect(err).not.toBeInstanceOf(UnexpectedResponseError);
    expect(err).toMatchObject({ status: 404, code: 'not_found', message: 'No such class' });
  });
});

describe('the api calls read their exact answers', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('a created class is the class itself; a wrapped one is refused', async () => {
    fakeApi().on('POST /classes', { status: 201, body: aClass });
    await expect(classesApi.create('Linear Algebra')).resolves.toEqual(aClass);
    fakeApi().on('POST /classes', { status: 201, body: { class: aClass } });
    await expect(classesApi.create('Linear Algebra')).rejects.toBeInstanceOf(UnexpectedResponseError);
  });

  it('a document read by id must be the document itself', async () => {
    fakeApi().on('GET /documents/:id', { body: { document: { id: CLASS_ID } } });
    const err = await rejectionOf(documentsApi.get(CLASS_ID));
    expect(err).toMatchObject({ code: 'unexpected_response', endpoint: `GET /documents/${CLASS_ID}` });
  });

  it('a version switch answers the message; an empty answer is refused rather than read as nothing', async () => {
    fakeApi().on('PUT /chat/sessions/:id/messages/:messageId/version', { body: {} });
    await expect(chatApi.setVersion(CLASS_ID, CLASS_ID, 0)).rejects.toBeInstanceOf(UnexpectedResponseError);
  });
});
