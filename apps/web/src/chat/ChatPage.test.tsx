import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UNEXPECTED_RESPONSE_MESSAGE } from '../api/http.js';
import { citation, complete, FakeSocket, MESSAGE_ID, SESSION_ID, token } from '../test/fakeSocket.js';
import { sessionDto, streamStart, usageDto } from '../test/dtos.js';
import { fakeApi } from '../test/fakeApi.js';
import { renderInApp } from '../test/renderInApp.js';
import { ChatPage } from './ChatPage.js';

const USER_MESSAGE_ID = '77777777-7777-4777-8777-777777777777';
const LIMIT = 'Free plan limit reached (25 chats/month). Upgrade to premium for unlimited chats.';

function setup({ sessions = [] as ReturnType<typeof sessionDto>[] } = {}) {
  const api = fakeApi()
    .on('GET /chat/sessions', { body: { sessions } })
    .on('GET /user/usage', { body: usageDto({ used: 3 }) })
    .on('GET /classes', { body: { classes: [] } })
    .on('GET /documents', { body: { documents: [] } })
    .on('POST /chat/new', ({ body }) => ({
      status: 202,
      body: {
        chatSessionId: SESSION_ID,
        streamId: (body as { streamId: string }).streamId,
        userMessageId: USER_MESSAGE_ID,
      },
    }));
  const socket = new FakeSocket();
  const view = renderInApp(<ChatPage />, { socket, path: '/chat', route: '/chat/:sessionId?' });
  return { api, socket, view };
}

async function ask(text: string) {
  const input = screen.getByRole('textbox', { name: 'Message' });
  await userEvent.type(input, `${text}{Enter}`);
}

function streamIdOf(api: ReturnType<typeof fakeApi>, i = -1): string {
  const post = api.callsTo('POST', '/chat/new').at(i);
  return (post?.body as { streamId: string }).streamId;
}

describe('ChatPage', () => {
  beforeEach(() => {
    vi.stubGlobal('matchMedia', undefined);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('streams an answer live and then shows exactly the final content with citation chips', async () => {
    const { api, socket } = setup();
    await ask('What is an eigenvector?');

    expect(screen.getByTestId('message-user').textContent).toBe('What is an eigenvector?');
    expect(screen.getByTestId('typing-indicator')).toBeTruthy();
    expect(screen.getByTestId('stop-button')).toBeTruthy();
    await waitFor(() => expect(api.callsTo('POST', '/chat/new')).toHaveLength(1));
    const post = api.callsTo('POST', '/chat/new')[0]!.body as Record<string, unknown>;
    expect(post).toMatchObject({ message: 'What is an eigenvector?', chatSessionId: null, retry: false });
    const streamId = streamIdOf(api);
    expect(streamId).toMatch(/^[0-9a-f-]{36}$/);
    expect(socket.listenerCount('chat-stream-token')).toBe(1);

    act(() => {
      socket.serverEmit('chat-stream-start', streamStart(streamId));
      socket.serverEmit('chat-stream-token', { ...token(1, 'An eigenvector '), streamId });
      socket.serverEmit('chat-stream-token', { ...token(1, 'An eigenvector '), streamId });
      socket.serverEmit('chat-stream-token', { ...token(2, 'keeps its direction'), streamId });
    });
    expect(screen.queryByTestId('typing-indicator')).toBeNull();
    expect(screen.getByTestId('streaming-answer').textContent).toBe('An eigenvector keeps its direction');
    expect(screen.getByTestId('streaming-answer').getAttribute('aria-live')).toBe('polite');

    act(() =>
      socket.serverEmit('chat-stream-complete', {
        ...complete('An eigenvector keeps its direction [1].'),
        streamId,
      }),
    );
    const answer = await screen.findByTestId('message-assistant');
    expect(answer.textContent).toContain('An eigenvector keeps its direction');
    expect(within(answer).getByTestId('citation-chip').getAttribute('href')).toBe(citation(1).href);
    expect(within(answer).getByTestId('sources').textContent).toContain('Lecture 4 — Eigenvalues.pdf· p. 3');
    expect(screen.queryByTestId('message-streaming')).toBeNull();
    expect(socket.listenerCount('chat-stream-token')).toBe(0);
    await waitFor(() => expect(api.callsTo('GET', '/user/usage').length).toBeGreaterThanOrEqual(2));
    expect(screen.getByRole('textbox', { name: 'Message' })).toBe(document.activeElement);
  });

  it('shows an answer the material does not cover plainly, with the closest sections as links, and as free', async () => {
    const { api, socket } = setup();
    await ask('What is the capital of Australia?');
    await waitFor(() => expect(api.callsTo('POST', '/chat/new')).toHaveLength(1));
    const streamId = streamIdOf(api);
    const closest = [
      { ...citation(1, 12), sectionPath: ['2 Matrices', '2.4 Determinants'] },
      { ...citation(2, 30), sectionPath: ['5 Eigenvalues'] },
    ];
    const content =
      'Your material does not seem to cover this. I found no passage that answers it, so I will not guess.\n\n' +
      'The closest sections, in case the answer is there in other words:\n' +
      '- **2.4 Determinants** — Lecture 4 — Eigenvalues.pdf, pages 12–13 [1]\n' +
      '- **5 Eigenvalues** — Lecture 4 — Eigenvalues.pdf, pages 30–34 [2]';
    act(() => {
      socket.serverEmit('chat-stream-start', streamStart(streamId));
      socket.serverEmit('chat-stream-complete', {
        ...complete(content, {
          citations: closest,
          versions: [
            {
              content,
              citations: closest,
              chunkReferences: [],
              createdAt: '2025-11-20T10:00:00.000Z',
              coverage: 'not_covered',
            },
          ],
          coverage: 'not_covered',
        }),
        streamId,
      });
    });
    const answer = await screen.findByTestId('message-assistant');
    expect(answer.getAttribute('data-coverage')).toBe('not_covered');
    expect(within(answer).getByTestId('coverage-label').textContent).toBe('Not in your material · free');
    expect(answer.textContent).toContain('Your material does not seem to cover this.');
    // Each closest section is a link to its page, in the text and in the list below it.
    const chips = within(answer).getAllByTestId('citation-chip');
    expect(chips.map((c) => c.getAttribute('href'))).toEqual([closest[0]!.href, closest[1]!.href]);
    const list = within(answer).getByTestId('sources');
    expect(list.textContent).toContain('Closest sections in your material');
    expect(
      within(list)
        .getAllByTestId('source-section')
        .map((e) => e.textContent),
    ).toEqual(['2.4 Determinants', '5 Eigenvalues']);
    expect(
      within(list)
        .getAllByTestId('source-link')
        .map((a) => a.getAttribute('href')),
    ).toEqual([closest[0]!.href, closest[1]!.href]);
    expect((await screen.findByTestId('usage-free-note')).textContent).toMatch(/last answer was free/);
  });

  it('does not call an answer from the material free', async () => {
    const { api, socket } = setup();
    await ask('What is an eigenvector?');
    await waitFor(() => expect(api.callsTo('POST', '/chat/new')).toHaveLength(1));
    const streamId = streamIdOf(api);
    act(() =>
      socket.serverEmit('chat-stream-complete', {
        ...complete('An eigenvector keeps its direction [1].', { coverage: 'grounded' }),
        streamId,
      }),
    );
    const answer = await screen.findByTestId('message-assistant');
    expect(within(answer).queryByTestId('coverage-label')).toBeNull();
    expect(within(answer).getByTestId('sources').textContent).toMatch(/^Sources/);
    expect(screen.queryByTestId('usage-free-note')).toBeNull();
  });

  it('shows a toast with Retry on a retryable stream error and regenerates with retry: true', async () => {
    const { api, socket } = setup();
    await ask('Explain determinants');
    await waitFor(() => expect(api.callsTo('POST', '/chat/new')).toHaveLength(1));
    const streamId = streamIdOf(api);
    act(() =>
      socket.serverEmit('chat-stream-error', {
        sessionId: SESSION_ID,
        streamId,
        error: 'The answer was interrupted. Please try again.',
        code: 'stream_interrupted',
        retryable: true,
      }),
    );
    const toast = await screen.findByTestId('toast');
    expect(toast.textContent).toContain('The answer was interrupted');
    expect(screen.getByTestId('stream-error')).toBeTruthy();
    await userEvent.click(within(toast).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(api.callsTo('POST', '/chat/new')).toHaveLength(2));
    expect(api.callsTo('POST', '/chat/new')[1]!.body).toMatchObject({
      retry: true,
      chatSessionId: SESSION_ID,
    });
    const retryStream = streamIdOf(api);
    act(() =>
      socket.serverEmit('chat-stream-complete', {
        ...complete('Determinants measure volume [1].'),
        streamId: retryStream,
      }),
    );
    expect((await screen.findByTestId('message-assistant')).textContent).toContain(
      'Determinants measure volume',
    );
  });

  it('shows the free-plan limit message from a 403 and gives the text back', async () => {
    const { api } = setup();
    api.on('POST /chat/new', { status: 403, body: { message: LIMIT, code: 'quota_exceeded' } });
    await ask('One more question');
    const toast = await screen.findByTestId('toast');
    expect(toast.textContent).toContain(LIMIT);
    expect(within(toast).queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(screen.queryByTestId('message-user')).toBeNull();
    expect(screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Message' }).value).toBe(
      'One more question',
    );
  });

  it('says clearly that the server answered unexpectedly when chat/new breaks its contract', async () => {
    const { api } = setup();
    api.on('POST /chat/new', { status: 202, body: { sessionId: SESSION_ID } });
    await ask('What is an eigenvector?');
    const toast = await screen.findByTestId('toast');
    expect(toast.textContent).toContain(UNEXPECTED_RESPONSE_MESSAGE);
    expect(screen.queryByTestId('message-assistant')).toBeNull();
  });

  it('shows the whole answer a server without streaming returns with the chat, and a retry of it', async () => {
    const { api, socket } = setup();
    const at = '2025-11-20T10:00:00.000Z';
    const question = {
      ...complete('What is an eigenvector?', { citations: [], versions: [] }),
      id: USER_MESSAGE_ID,
      role: 'user',
    };
    const answer = (content: string, versions: string[]) => ({
      ...complete(content),
      id: MESSAGE_ID,
      position: 1,
      role: 'assistant',
      reaction: null,
      route: 'general_qa',
      createdAt: at,
      versions: versions.map((v) => ({
        content: v,
        citations: [citation(1)],
        chunkReferences: [],
        createdAt: at,
      })),
      currentVersion: versions.length - 1,
    });
    const detail = (...messages: object[]) => ({
      session: {
        id: SESSION_ID,
        title: 'What is an eigenvector?',
        assignedClass: null,
        assignedDocument: null,
        source: 'main_app',
        ephemeral: false,
        createdAt: at,
        updatedAt: at,
      },
      messages: messages.map((m) => ({ position: 0, reaction: null, route: null, createdAt: at, ...m })),
    });
    const first = 'An eigenvector keeps its direction [1].';
    api.on('POST /chat/new', { status: 200, body: detail(question, answer(first, [first])) });
    await ask('What is an eigenvector?');

    const shown = await screen.findByTestId('message-assistant');
    expect(shown.textContent).toContain('An eigenvector keeps its direction');
    expect(within(shown).getByTestId('citation-chip').getAttribute('href')).toBe(citation(1).href);
    expect(screen.getAllByTestId('message-user').map((m) => m.textContent)).toEqual([
      'What is an eigenvector?',
    ]);
    expect(screen.queryByTestId('toast')).toBeNull();
    expect(screen.queryByTestId('typing-indicator')).toBeNull();
    expect(screen.queryByTestId('stop-button')).toBeNull();
    expect(socket.listenerCount('chat-stream-token')).toBe(0);

    const second = 'It is only scaled by the matrix [1].';
    api.on('POST /chat/new', { status: 200, body: detail(question, answer(second, [first, second])) });
    await userEvent.click(within(shown).getByRole('button', { name: /retry/i }));
    await waitFor(() =>
      expect(screen.getByTestId('message-assistant').textContent).toContain(
        'It is only scaled by the matrix',
      ),
    );
    expect(api.callsTo('POST', '/chat/new').at(-1)?.body).toMatchObject({
      retry: true,
      chatSessionId: SESSION_ID,
    });
    expect(screen.getAllByTestId('message-assistant')).toHaveLength(1);
    expect(screen.queryByTestId('toast')).toBeNull();
  });

  it('Stop cancels the stream and a stopped answer carries a "stopped" label', async () => {
    const { api, socket } = setup();
    await ask('Long answer please');
    await waitFor(() => expect(api.callsTo('POST', '/chat/new')).toHaveLength(1));
    const streamId = streamIdOf(api);
    act(() => socket.serverEmit('chat-stream-token', { ...token(1, 'Part one'), streamId }));
    await userEvent.click(screen.getByTestId('stop-button'));
    expect(socket.sentOf('chat-stream-cancel')).toEqual([{ streamId }]);
    act(() =>
      socket.serverEmit('chat-stream-complete', {
        ...complete('Part one', { status: 'stopped' }),
        streamId,
        citations: [],
      }),
    );
    const answer = await screen.findByTestId('message-assistant');
    expect(within(answer).getByTestId('stopped-label').textContent).toBe('stopped');
    expect(answer.getAttribute('data-message-id')).toBe(MESSAGE_ID);
  });

  it('Escape in the composer stops the answer being written, as Stop does', async () => {
    const { api, socket } = setup();
    await ask('Long answer please');
    await waitFor(() => expect(api.callsTo('POST', '/chat/new')).toHaveLength(1));
    const streamId = streamIdOf(api);
    act(() => socket.serverEmit('chat-stream-token', { ...token(1, 'Part one'), streamId }));
    expect(document.activeElement).toBe(screen.getByTestId('composer-input'));
    await userEvent.keyboard('{Escape}');
    expect(socket.sentOf('chat-stream-cancel')).toEqual([{ streamId }]);
    expect(screen.getByTestId('stop-button').textContent).toBe('Stopping…');
    // Once stopping, a second Escape sends nothing more.
    await userEvent.keyboard('{Escape}');
    expect(socket.sentOf('chat-stream-cancel')).toHaveLength(1);
  });

  it('Escape stops the answer after a click left focus on the page, and does nothing with no answer running', async () => {
    const { api, socket } = setup();
    await userEvent.keyboard('{Escape}');
    await ask('Long answer please');
    await waitFor(() => expect(api.callsTo('POST', '/chat/new')).toHaveLength(1));
    const streamId = streamIdOf(api);
    act(() => socket.serverEmit('chat-stream-token', { ...token(1, 'Part one'), streamId }));
    await userEvent.click(screen.getByTestId('message-user'));
    expect(document.activeElement).toBe(document.body);
    await userEvent.keyboard('{Escape}');
    expect(socket.sentOf('chat-stream-cancel')).toEqual([{ streamId }]);
  });

  it('Escape in a dialog closes the dialog and lets the answer go on', async () => {
    const other = sessionDto({ id: '99999999-9999-4999-8999-999999999999', title: 'Matrices' });
    const { api, socket } = setup({ sessions: [other] });
    await ask('Long answer please');
    await waitFor(() => expect(api.callsTo('POST', '/chat/new')).toHaveLength(1));
    const streamId = streamIdOf(api);
    act(() => socket.serverEmit('chat-stream-token', { ...token(1, 'Part one'), streamId }));
    const item = (await screen.findAllByTestId('session-item')).find((i) =>
      i.textContent?.includes('Matrices'),
    );
    await userEvent.click(within(item!).getByTestId('session-rename'));
    const dialog = await screen.findByTestId('session-rename-dialog');
    expect(dialog.contains(document.activeElement)).toBe(true);
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByTestId('session-rename-dialog')).toBeNull();
    expect(socket.sentOf('chat-stream-cancel')).toEqual([]);
    expect(screen.getByTestId('stop-button').textContent).toBe('Stop');
  });
});
