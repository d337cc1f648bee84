import type { MessageDto, UserEvent } from '@classchat/contracts';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { complete, FakeSocket, MESSAGE_ID, SESSION_ID, STREAM_ID, token } from '../test/fakeSocket.js';
import { CREATED_AT, messageDto, sessionDto, streamStart, usageDto } from '../test/dtos.js';
import { fakeApi } from '../test/fakeApi.js';
import { renderInApp } from '../test/renderInApp.js';
import { ChatPage } from './ChatPage.js';

const OTHER_SESSION_ID = '88888888-8888-4888-8888-888888888888';

const question = (content = 'What is an eigenvector?'): MessageDto => messageDto({ content });

const version = (content: string, status: 'complete' | 'stopped') => ({
  content,
  citations: [],
  chunkReferences: [],
  createdAt: CREATED_AT,
  status,
});

/** An answer stopped on version 1, then retried twice (version 3 shown). */
const retriedAnswer = (): MessageDto =>
  messageDto({
    id: MESSAGE_ID,
    position: 1,
    role: 'assistant',
    content: 'Third try.',
    versions: [
      version('An eigen', 'stopped'),
      version('Second try.', 'complete'),
      version('Third try.', 'complete'),
    ],
    currentVersion: 2,
    route: 'general_qa',
  });

/** The page on a chat whose read answers `messages` (stamped with the server's `rev` when given). */
function setup(messages: MessageDto[] = [], rev?: number) {
  const api = fakeApi()
    .on('GET /chat/sessions', { body: { sessions: [sessionDto()] } })
    .on('GET /chat/sessions/:id', {
      body: { session: sessionDto(), messages, activeStream: null, ...(rev === undefined ? {} : { rev }) },
    })
    .on('GET /user/usage', { body: usage(20) })
    .on('GET /classes', { body: { classes: [] } })
    .on('GET /documents', { body: { documents: [] } });
  const socket = new FakeSocket();
  renderInApp(<ChatPage />, { socket, path: `/chat/${SESSION_ID}`, route: '/chat/:sessionId?' });
  const emit = (event: UserEvent) => act(() => socket.serverEmit('user-event', event));
  return { api, socket, emit };
}

const usage = (used: number, plan: 'free' | 'premium' = 'free') =>
  usageDto({ plan, used, limit: plan === 'free' ? 25 : null });

describe('ChatPage in a second tab of the same student', () => {
  beforeEach(() => vi.stubGlobal('matchMedia', undefined));
  afterEach(() => vi.unstubAllGlobals());

  it('shows the question, the live tokens and the final answer asked in another tab, and the meter moves', async () => {
    const { socket, emit } = setup();
    await screen.findByText(/What are we studying today/);

    emit({ type: 'message-updated', rev: 1, sessionId: SESSION_ID, message: question() });
    expect(screen.getByTestId('message-user').textContent).toBe('What is an eigenvector?');

    act(() => socket.serverEmit('chat-stream-start', streamStart()));
    // It follows the answer from its start: whatever was written before it saw the start is replayed.
    expect(socket.sentOf('chat-stream-resume')).toEqual([{ streamId: STREAM_ID, afterSeq: 0 }]);
    act(() => {
      socket.serverEmit('chat-stream-token', token(1, 'An eigenvector '));
      socket.serverEmit('chat-stream-token', token(2, 'keeps its direction'));
    });
    expect(screen.getByTestId('streaming-answer').textContent).toBe('An eigenvector keeps its direction');

    act(() => socket.serverEmit('chat-stream-complete', complete('An eigenvector keeps its direction [1].')));
    await waitFor(() => expect(screen.queryByTestId('streaming-answer')).toBeNull());
    expect(screen.getByTestId('message-assistant').textContent).toContain(
      'An eigenvector keeps its direction',
    );

    emit({ type: 'usage-updated', rev: 2, usage: usage(21) });
    expect(screen.getByTestId('usage-count').textContent).toBe('21 / 25 chats');
  });

  it('shows an answer saved before its stream ends once: the stream completes it in its bubble', async () => {
    const { socket, emit } = setup([question()]);
    await screen.findByTestId('message-user');
    act(() => socket.serverEmit('chat-stream-start', streamStart()));
    act(() => socket.serverEmit('chat-stream-token', token(1, 'An eigenvector ')));
    const saved: MessageDto = {
      ...question(),
      id: MESSAGE_ID,
      position: 1,
      role: 'assistant',
      content: 'An eigenvector keeps its direction.',
      versions: [version('An eigenvector keeps its direction.', 'complete')],
      route: 'general_qa',
    };
    // The user events overtake the stream's last token and its completion.
    emit({ type: 'message-updated', rev: 5, sessionId: SESSION_ID, message: saved });
    expect(screen.queryByTestId('message-assistant')).toBeNull();
    expect(screen.getByTestId('streaming-answer').textContent).toBe('An eigenvector');

    act(() => {
      socket.serverEmit('chat-stream-token', token(2, 'keeps its direction.'));
      socket.serverEmit('chat-stream-complete', complete('An eigenvector keeps its direction.'));
    });
    await waitFor(() => expect(screen.queryByTestId('streaming-answer')).toBeNull());
    const shown = screen.getAllByTestId('message-assistant');
    expect(shown).toHaveLength(1);
    expect(shown[0]!.textContent).toContain('An eigenvector keeps its direction.');
  });

  it('follows no answer of another chat', async () => {
    const { socket } = setup();
    await screen.findByText(/What are we studying today/);
    act(() => socket.serverEmit('chat-stream-start', streamStart(STREAM_ID, OTHER_SESSION_ID)));
    expect(socket.sentOf('chat-stream-resume')).toEqual([]);
    expect(screen.queryByTestId('message-streaming')).toBeNull();
  });

  it('applies a reaction and a version switch made elsewhere, and drops a stale copy', async () => {
    const answer = retriedAnswer();
    const { emit } = setup([question(), answer]);
    await screen.findByTestId('message-assistant');

    emit({
      type: 'message-updated',
      rev: 5,
      sessionId: SESSION_ID,
      message: { ...answer, reaction: 'like' },
    });
    expect(screen.getByTestId('like-button').getAttribute('aria-pressed')).toBe('true');
    const first = {
      ...answer,
      currentVersion: 0,
      content: 'An eigen',
      status: 'stopped' as const,
      reaction: 'like' as const,
    };
    emit({ type: 'message-updated', rev: 6, sessionId: SESSION_ID, message: first });
    expect(screen.getByTestId('version-label').textContent).toContain('1/3');
    expect(screen.getByTestId('stopped-label')).toBeTruthy();

    emit({ type: 'message-updated', rev: 4, sessionId: SESSION_ID, message: answer });
    expect(screen.getByTestId('version-label').textContent).toContain('1/3');
  });

  it('keeps the session list true: new, renamed (not by a stale event) and deleted chats', async () => {
    const { emit } = setup();
    const sidebar = await screen.findByTestId('session-sidebar');
    await within(sidebar).findByText('Eigenvalues');

    emit({
      type: 'session-updated',
      rev: 1,
      session: sessionDto({ id: OTHER_SESSION_ID, title: 'Matrices', updatedAt: '2025-11-21T10:00:00.000Z' }),
    });
    expect(
      within(sidebar)
        .getAllByTestId('session-item')
        .map((s) => s.textContent),
    ).toEqual([expect.stringContaining('Matrices'), expect.stringContaining('Eigenvalues')]);
    emit({ type: 'session-updated', rev: 3, session: sessionDto({ title: 'Spectral theory' }) });
    emit({ type: 'session-updated', rev: 2, session: sessionDto({ title: 'Old title' }) });
    expect(within(sidebar).queryByText('Old title')).toBeNull();
    expect(within(sidebar).getByText('Spectral theory')).toBeTruthy();

    emit({ type: 'session-deleted', rev: 4, sessionId: SESSION_ID });
    expect(within(sidebar).queryByText('Spectral theory')).toBeNull();
    expect(screen.getByText('This chat was deleted.')).toBeTruthy();
  });

  it('reads everything again after a reconnect that lost events', async () => {
    const { api, socket } = setup();
    await screen.findByText(/What are we studying today/);
    const reads = () => [
      api.callsTo('GET', '/chat/sessions').length,
      api.callsTo('GET', '/user/usage').length,
    ];
    const before = reads();
    act(() => socket.disconnect());
    act(() => socket.reconnect({ recovered: false }));
    await waitFor(() => expect(reads()[0]).toBeGreaterThan(before[0]! + 1));
    expect(reads()[1]).toBeGreaterThan(before[1]!);
  });

  it('replaces the shown answer at once when another tab retries it, and shows the new version in its place', async () => {
    const answer = retriedAnswer();
    const { api, socket, emit } = setup([question(), answer]);
    await screen.findByTestId('message-assistant');
    const reads = () => api.callsTo('GET', `/chat/sessions/${SESSION_ID}`).length;
    const readsBefore = reads();

    act(() => socket.serverEmit('chat-stream-start', streamStart()));
    // At once, before any token: the old version is no longer shown below a new one.
    expect(screen.queryByTestId('message-assistant')).toBeNull();
    act(() => socket.serverEmit('chat-stream-token', token(1, 'Fourth')));
    expect(screen.getByTestId('streaming-answer').textContent).toBe('Fourth');
    expect(screen.queryByText('Third try.')).toBeNull();
    // The chat as saved confirms it: its last message is that answer.
    await waitFor(() => expect(reads()).toBe(readsBefore + 1));
    expect(screen.queryByTestId('message-assistant')).toBeNull();

    const fourth = { ...answer, content: 'Fourth try.', currentVersion: 3 };
    fourth.versions = [...answer.versions, version('Fourth try.', 'complete')];
    act(() =>
      socket.serverEmit(
        'chat-stream-complete',
        complete('Fourth try.', { citations: [], versions: fourth.versions, currentVersion: 3 }),
      ),
    );
    emit({ type: 'message-updated', rev: 9, sessionId: SESSION_ID, message: fourth });
    const shown = await screen.findAllByTestId('message-assistant');
    expect(shown).toHaveLength(1);
    expect(shown[0]!.textContent).toContain('Fourth try.');
    expect(within(shown[0]!).getByTestId('version-label').textContent).toContain('4/4');
  });

  it('drops an event older than the chat as first read, and applies a newer one', async () => {
    const answer = retriedAnswer();
    const { emit } = setup([question(), answer], 10);
    await screen.findByTestId('message-assistant');
    // The answer as it was before the read (two versions): no rollback.
    const older = {
      ...answer,
      content: 'Second try.',
      currentVersion: 1,
      versions: answer.versions.slice(0, 2),
    };
    emit({ type: 'message-updated', rev: 8, sessionId: SESSION_ID, message: older });
    expect(screen.getByTestId('message-assistant').textContent).toContain('Third try.');
    expect(screen.getByTestId('version-label').textContent).toContain('3/3');
    // A version switch made elsewhere after the read.
    const switched = { ...answer, content: 'An eigen', currentVersion: 0, status: 'stopped' as const };
    emit({ type: 'message-updated', rev: 11, sessionId: SESSION_ID, message: switched });
    expect(screen.getByTestId('version-label').textContent).toContain('1/3');
    expect(screen.getByTestId('stopped-label')).toBeTruthy();
  });

  it('shows "stopped" on version 1 again after Stop, two Retries and paging back', async () => {
    const answer = retriedAnswer();
    const api = setup([question(), answer]).api;
    api.on('PUT /chat/sessions/:id/messages/:messageId/version', ({ body }) => {
      const index = (body as { index: number }).index;
      const v = answer.versions[index]!;
      return { body: { ...answer, currentVersion: index, content: v.content, status: v.status } };
    });
    await screen.findByTestId('message-assistant');
    expect(screen.queryByTestId('stopped-label')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Previous version' }));
    await userEvent.click(screen.getByRole('button', { name: 'Previous version' }));
    expect(screen.getByTestId('version-label').textContent).toContain('1/3');
    expect(screen.getByTestId('stopped-label')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Next version' }));
    await waitFor(() => expect(screen.queryByTestId('stopped-label')).toBeNull());
  });
});
