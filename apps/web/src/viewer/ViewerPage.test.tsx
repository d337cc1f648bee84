import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { fakeApi } from '../test/fakeApi.js';
import { CHUNK_ID, DOC_ID, FakeSocket } from '../test/fakeSocket.js';
import { renderInApp } from '../test/renderInApp.js';
import { OutlineNav } from './OutlineNav.js';
import { ViewerPage } from './ViewerPage.js';

const NOTES =
  '# Week 2\n\nVectors hold values of one type.\nMissing values are written NA, and is.na(x) finds them.\n' +
  'Factors store categories.\n';
const SENTENCE = 'Missing values are written NA, and is.na(x) finds them.';

const notesDoc = {
  id: DOC_ID,
  classId: null,
  fileName: 'week2.md',
  mimeType: 'text/markdown',
  byteSize: NOTES.length,
  sha256: 'abc',
  status: 'ready',
  pageCount: 1,
  chunkCount: 1,
  error: null,
  createdAt: '2025-11-20T10:00:00.000Z',
  readyAt: '2025-11-20T10:00:01.000Z',
  outline: [{ title: 'Week 2', level: 1, pageStart: 1, pageEnd: 1 }],
};

function openViewer(path: Parameters<typeof renderInApp>[1]['path'], doc: unknown = notesDoc) {
  fakeApi()
    .on(`GET /documents/${DOC_ID}`, { body: doc })
    .on(`GET /documents/${DOC_ID}/file`, { text: NOTES });
  renderInApp(<ViewerPage />, { socket: new FakeSocket(), path, route: '/documents/:id' });
}

describe('the viewer of a text document', () => {
  it('highlights exactly the span in the address, with no state from the chat (a new tab)', async () => {
    const start = NOTES.indexOf(SENTENCE);
    openViewer(`/documents/${DOC_ID}?page=1&start=${start}&end=${start + SENTENCE.length}`);
    const mark = await screen.findByTestId('passage-highlight');
    expect(mark.textContent).toBe(SENTENCE);
    const passage = await screen.findByTestId('cited-passage');
    expect(within(passage).getByText(SENTENCE)).toBeTruthy();
    expect(passage.textContent).toContain('Cited passage · p. 1');
  });

  it('highlights a link saved before spans by the snippet the chat hands over', async () => {
    openViewer({
      pathname: `/documents/${DOC_ID}`,
      search: `?page=1&chunk=${CHUNK_ID}`,
      state: {
        citation: {
          snippet: 'vectors hold values of one type.',
          charStart: 0,
          charEnd: NOTES.length,
          page: 1,
          chunkId: CHUNK_ID,
          fileName: 'week2.md',
        },
      },
    });
    expect((await screen.findByTestId('passage-highlight')).textContent).toBe(
      'Vectors hold values of one type.',
    );
  });

  it('shows such a link without state at its page, highlighting nothing', async () => {
    openViewer(`/documents/${DOC_ID}?page=1&chunk=${CHUNK_ID}`);
    await screen.findByTestId('text-document');
    expect(screen.queryByTestId('passage-highlight')).toBeNull();
    expect(screen.queryByTestId('cited-passage')).toBeNull();
  });

  it("names the citation's section above the text", async () => {
    const start = NOTES.indexOf(SENTENCE);
    openViewer({
      pathname: `/documents/${DOC_ID}`,
      search: `?page=1&start=${start}&end=${start + SENTENCE.length}`,
      state: {
        citation: {
          snippet: SENTENCE,
          charStart: start,
          charEnd: start + SENTENCE.length,
          page: 1,
          chunkId: CHUNK_ID,
          fileName: 'week2.md',
          sectionPath: ['Week 2', 'Missing values'],
        },
      },
    });
    expect((await screen.findByTestId('viewer-section')).textContent).toBe('Missing values');
    expect((await screen.findByTestId('passage-highlight')).textContent).toBe(SENTENCE);
  });

  it('says so when the server answers a document the contract does not describe', async () => {
    openViewer(`/documents/${DOC_ID}?page=1`, { id: DOC_ID, fileName: 'week2.md' });
    expect(await screen.findByText(/answered in an unexpected way/)).toBeTruthy();
    expect(screen.queryByTestId('text-document')).toBeNull();
  });
});

describe('the table of contents', () => {
  const outline = [
    { title: '2 Data', level: 1, pageStart: 10, pageEnd: 30 },
    { title: '2.5 Missing values', level: 2, pageStart: 17, pageEnd: 19 },
    { title: '3 Functions', level: 1, pageStart: 31, pageEnd: 40 },
  ];

  it("lists the outline, marks the shown page's sections and jumps to a section's first page", async () => {
    const onGo = vi.fn();
    render(<OutlineNav outline={outline} page={18} onGo={onGo} />);
    expect(screen.queryByTestId('toc')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Contents' }));
    const entries = within(screen.getByRole('navigation', { name: 'Contents' })).getAllByTestId('toc-entry');
    expect(entries.map((e) => e.querySelector('.toc__title')?.textContent)).toEqual([
      '2 Data',
      '2.5 Missing values',
      '3 Functions',
    ]);
    expect(entries.map((e) => e.getAttribute('aria-current'))).toEqual(['location', 'location', null]);
    await userEvent.click(entries[2]!);
    expect(onGo).toHaveBeenCalledWith(31);
    await waitFor(() => expect(screen.queryByTestId('toc')).toBeNull());
  });
});
