import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UNEXPECTED_RESPONSE_MESSAGE } from '../api/http.js';
import { DOC_ID, FakeSocket } from '../test/fakeSocket.js';
import { documentDto, usageDto } from '../test/dtos.js';
import { fakeApi } from '../test/fakeApi.js';
import { renderInApp } from '../test/renderInApp.js';
import { LibraryPage } from './LibraryPage.js';
import { MAX_UPLOAD_BYTES } from './uploadRules.js';

/** XMLHttpRequest stand-in: records sends; the test drives progress and the answer. */
class FakeXhr {
  static instances: FakeXhr[] = [];
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } =
    {
      onprogress: null,
    };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  withCredentials = false;
  status = 0;
  responseText = '';
  method = '';
  url = '';
  form: FormData | null = null;
  constructor() {
    FakeXhr.instances.push(this);
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  headers: Record<string, string> = {};
  setRequestHeader(name: string, value: string) {
    this.headers[name.toLowerCase()] = value;
  }
  send(form: FormData) {
    this.form = form;
  }
  abort() {
    this.onabort?.();
  }
  progress(fraction: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded: fraction * 100, total: 100 });
  }
  respond(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

function fileOf(name: string, size: number, type = 'application/pdf'): File {
  const f = new File(['x'], name, { type });
  Object.defineProperty(f, 'size', { value: size });
  return f;
}

const uploaded = documentDto();

const MB = 1024 * 1024;

function setup(storage = { usedBytes: 12 * MB, limitBytes: 500 * MB }) {
  const api = fakeApi()
    .on('GET /classes', { body: { classes: [] } })
    .on('GET /documents', { body: { documents: [] } })
    .on('GET /user/usage', () => ({
      body: usageDto({ storage }),
    }));
  const socket = new FakeSocket();
  renderInApp(<LibraryPage />, { socket, path: '/library' });
  return { socket, api };
}

describe('Library uploads', () => {
  beforeEach(() => {
    FakeXhr.instances = [];
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('rejects wrong types and oversized files before uploading, and uploads the rest with progress', async () => {
    const { socket } = setup();
    await screen.findByText('No documents yet');
    const input = screen.getByTestId('upload-input');
    await userEvent.upload(
      input,
      [
        fileOf('Lecture 1.pdf', 2048),
        fileOf('slides.pptx', 1000, ''),
        fileOf('scan.pdf', MAX_UPLOAD_BYTES + 1),
      ],
      { applyAccept: false },
    );

    const items = screen.getAllByTestId('upload-item');
    expect(items).toHaveLength(3);
    expect(within(items[1]!).getByTestId('upload-error').textContent).toMatch(/not supported/);
    expect(within(items[2]!).getByTestId('upload-error').textContent).toMatch(/the limit is 25 MB/);
    expect(FakeXhr.instances).toHaveLength(1);
    const xhr = FakeXhr.instances[0]!;
    expect(xhr.url).toBe('/api/v1/documents');
    expect(xhr.withCredentials).toBe(true);
    // The api refuses a cookie-authenticated upload without the app's CSRF header.
    expect(xhr.headers['x-classchat-csrf']).toBe('1');
    expect((xhr.form?.get('file') as File).name).toBe('Lecture 1.pdf');

    act(() => xhr.progress(0.4));
    expect(within(items[0]!).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('40');

    act(() => xhr.respond(201, { document: uploaded, duplicate: false }));
    const row = await screen.findByTestId('document-row');
    expect(row.getAttribute('data-status')).toBe('uploaded');

    act(() =>
      socket.serverEmit('processing-status', {
        docId: DOC_ID,
        status: 'processing',
        stage: 'embedding',
        progress: 0.6,
        error: null,
      }),
    );
    expect(within(row).getByTestId('document-status').textContent).toBe('Understanding content · 60%');
    act(() => socket.serverEmit('document-ready', { docId: DOC_ID, pageCount: 12, chunkCount: 40 }));
    await waitFor(() =>
      expect(within(screen.getByTestId('document-row')).getByTestId('document-status').textContent).toBe(
        'Ready · 12 pages · 40 passages indexed',
      ),
    );
  });

  it('shows what the documents take of the storage quota, and reads it again after an upload', async () => {
    const storage = { usedBytes: 12 * MB, limitBytes: 500 * MB };
    const { api } = setup(storage);
    expect((await screen.findByTestId('storage-count')).textContent).toBe('12 MB of 500 MB');
    expect(api.callsTo('GET', '/user/usage')[0]!.headers.get('X-ClassChat-CSRF')).toBe('1');

    await userEvent.upload(screen.getByTestId('upload-input'), fileOf('Lecture 1.pdf', 2048));
    storage.usedBytes = 500 * MB;
    act(() => FakeXhr.instances[0]!.respond(201, { document: uploaded, duplicate: false }));
    await waitFor(() => expect(screen.getByTestId('storage-count').textContent).toBe('500 MB of 500 MB'));
    expect(screen.getByTestId('storage-meter').textContent).toMatch(/Your library is full/);
  });

  it("shows the server's 413/415 message when it refuses a file", async () => {
    setup();
    await screen.findByText('No documents yet');
    await userEvent.upload(screen.getByTestId('upload-input'), fileOf('renamed.pdf', 1000));
    act(() =>
      FakeXhr.instances[0]!.respond(415, {
        message: 'This file is not a PDF, Word, Markdown or text document.',
        code: 'unsupported_type',
      }),
    );
    expect((await screen.findByTestId('upload-error')).textContent).toBe(
      'This file is not a PDF, Word, Markdown or text document.',
    );
  });
});

describe('Library with a server that answers outside its contract', () => {
  beforeEach(() => {
    FakeXhr.instances = [];
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('shows a clear error instead of documents when the list is malformed', async () => {
    const { api } = setup();
    api.on('GET /documents', { body: { documents: [{ ...uploaded, status: 'shredded' }] } });
    expect((await screen.findByRole('alert')).textContent).toBe(UNEXPECTED_RESPONSE_MESSAGE);
    expect(screen.queryByText('Lecture 1.pdf')).toBeNull();
  });

  it('fails an upload whose answer is not an upload response, with the same clear error', async () => {
    setup();
    await screen.findByText('No documents yet');
    await userEvent.upload(screen.getByTestId('upload-input'), fileOf('Lecture 1.pdf', 2048));
    act(() => FakeXhr.instances[0]!.respond(201, uploaded));
    expect((await screen.findByTestId('upload-error')).textContent).toBe(UNEXPECTED_RESPONSE_MESSAGE);
  });
});
