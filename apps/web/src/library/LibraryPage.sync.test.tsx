import type { ClassDto, DocumentDto, UserEvent } from '@classchat/contracts';
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DOC_ID, FakeSocket } from '../test/fakeSocket.js';
import { documentDto, usageDto } from '../test/dtos.js';
import { fakeApi } from '../test/fakeApi.js';
import { renderInApp } from '../test/renderInApp.js';
import { LibraryPage } from './LibraryPage.js';

const CLASS_ID = '99999999-9999-4999-8999-999999999999';
const OTHER_DOC_ID = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const FAILED_DOC_ID = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const MB = 1024 * 1024;

const cls = (name: string, documentCount = 0): ClassDto => ({
  id: CLASS_ID,
  name,
  documentCount,
  failedCount: 0,
  createdAt: '2025-11-20T10:00:00.000Z',
});

const doc = (overrides: Partial<DocumentDto> = {}): DocumentDto =>
  documentDto({ classId: CLASS_ID, ...overrides });

function setup(options: { classes?: ClassDto[]; documents?: DocumentDto[]; path?: string } = {}) {
  const api = fakeApi()
    .on('GET /classes', { body: { classes: options.classes ?? [] } })
    .on('GET /documents', { body: { documents: options.documents ?? [] } })
    .on('GET /user/usage', { body: usageDto({ storage: { usedBytes: 12 * MB, limitBytes: 500 * MB } }) });
  const socket = new FakeSocket();
  renderInApp(<LibraryPage />, { socket, path: options.path ?? '/library' });
  const emit = (event: UserEvent) => act(() => socket.serverEmit('user-event', event));
  return { api, socket, emit };
}

describe('LibraryPage in a second tab of the same student', () => {
  it('shows a class and a document another tab created, processing and then ready, and their deletion', async () => {
    const { emit } = setup();
    await screen.findByText('No documents yet');

    emit({ type: 'class-updated', rev: 1, class: cls('Linear Algebra') });
    const item = await screen.findByTestId('class-item');
    expect(item.textContent).toContain('Linear Algebra');

    emit({ type: 'document-updated', rev: 2, document: doc({ status: 'processing' }) });
    const row = await screen.findByTestId('document-row');
    expect(row.getAttribute('data-status')).toBe('processing');
    expect(within(item).getByTestId('class-count').textContent).toBe('1');

    emit({
      type: 'document-updated',
      rev: 3,
      document: doc({ status: 'ready', pageCount: 12, chunkCount: 40 }),
    });
    await waitFor(() => expect(screen.getByTestId('document-row').getAttribute('data-status')).toBe('ready'));
    expect(within(screen.getByTestId('document-row')).getByTestId('document-status').textContent).toBe(
      'Ready · 12 pages · 40 passages indexed',
    );
    // A late copy of the processing state changes nothing.
    emit({ type: 'document-updated', rev: 2, document: doc({ status: 'processing' }) });
    expect(screen.getByTestId('document-row').getAttribute('data-status')).toBe('ready');

    emit({ type: 'class-updated', rev: 4, class: cls('Linear Algebra II', 1) });
    expect(screen.getByTestId('class-item').textContent).toContain('Linear Algebra II');

    emit({ type: 'document-deleted', rev: 5, documentId: DOC_ID });
    await screen.findByText('No documents yet');
    emit({ type: 'class-deleted', rev: 6, classId: CLASS_ID });
    expect(screen.queryByTestId('class-item')).toBeNull();
  });

  it('moves the storage meter with the usage another tab changed', async () => {
    const { emit } = setup();
    expect((await screen.findByTestId('storage-count')).textContent).toBe('12 MB of 500 MB');
    emit({
      type: 'usage-updated',
      rev: 1,
      usage: usageDto({ storage: { usedBytes: 40 * MB, limitBytes: 500 * MB } }),
    });
    expect(screen.getByTestId('storage-count').textContent).toBe('40 MB of 500 MB');
  });
});

describe('LibraryPage counts', () => {
  it('counts ready and processing documents, shows failed ones apart, and keeps the All badge inside a class', async () => {
    setup({
      classes: [cls('Statistics', 2)],
      documents: [
        doc({ status: 'ready' }),
        doc({ id: OTHER_DOC_ID, status: 'processing', classId: null }),
        doc({ id: FAILED_DOC_ID, status: 'failed', error: 'No extractable text' }),
      ],
      path: `/library?class=${CLASS_ID}`,
    });
    await waitFor(() => expect(screen.getAllByTestId('document-row')).toHaveLength(2));
    const all = screen.getByTestId('class-all');
    expect(within(all).getByTestId('class-count').textContent).toBe('2');
    expect(within(all).getByTestId('class-failed').textContent).toBe('1 failed');
    const item = screen.getByTestId('class-item');
    expect(within(item).getByTestId('class-count').textContent).toBe('1');
    expect(within(item).getByTestId('class-failed').textContent).toBe('1 failed');
  });
});

describe('LibraryPage deletions', () => {
  it('deletes a class with its documents and goes back to all documents', async () => {
    const { api } = setup({
      classes: [cls('Linear Algebra', 1)],
      documents: [doc()],
      path: `/library?class=${CLASS_ID}`,
    });
    api.on('DELETE /classes/:id', { status: 204 });
    await screen.findByText('Lecture 1.pdf');
    screen.getByTestId('class-delete').click();
    (await screen.findByRole('button', { name: 'Delete class and documents' })).click();

    await screen.findByRole('heading', { name: 'All documents' });
    expect(await screen.findByText('No documents yet')).toBeTruthy();
    expect(api.callsTo('DELETE', `/classes/${CLASS_ID}`)).toHaveLength(1);
  });

  it('deletes one document from the list', async () => {
    const { api } = setup({ documents: [doc({ classId: null })] });
    api.on('DELETE /documents/:id', { status: 204 });
    (await screen.findByRole('button', { name: 'Delete Lecture 1.pdf' })).click();
    (await screen.findByRole('button', { name: 'Delete document' })).click();

    expect(await screen.findByText('No documents yet')).toBeTruthy();
    expect(api.callsTo('DELETE', `/documents/${DOC_ID}`)).toHaveLength(1);
  });
});
