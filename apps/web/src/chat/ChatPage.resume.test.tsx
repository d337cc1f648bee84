import type { SessionDetail } from '@classchat/contracts';
import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi } from '../test/fakeApi.js';
import { renderInApp } from '../test/renderInApp.js';
import { complete, FakeSocket, MESSAGE_ID, SESSION_ID, STREAM_ID, token } from '../test/fakeSocket.js';
import { CREATED_AT, messageDto, sessionDto, streamStart, usageDto } from '../test/dtos.js';
import { ChatPage } from './ChatPage.js';

const session = sessionDto();

const question = messageDto();
const oldAnswer = messageDto({
  id: MESSAGE_ID,
  position: 1,
  role: 'assistant',
  content: 'An old answer.',
  versions: [{ content: 'An old answer.', citations: [], chunkReferences: [], createdAt: CREATED_AT }],
});

/**
 * The chat page opened (or reloaded) on `/chat/SESSION_ID` while the server is still writing an
 * answer in it: `GET chat/sessions/:id` names it in `activeStream`. `detail` answers that GET
 * (a function: what the server says at the time of each read).
 */
function openChat(detail: SessionDetail | (() => SessionDetail), options: { connected?: boolean } = {}) {
  let reads = 0;
  const api = fakeApi()
    .on('GET /chat/sessions', { body: { sessions: [session] } })
    .on('GET /chat/sessions/:id', () => {
      reads++;
      return { body: typeof detail === 'function' ? detail() : detail };
    })
    .on('GET /user/usage', { body: usageDto({ used: 3 }) })
    .on('GET /classes', { body: { classes: [] } })
    .on('GET /documents', { body: { documents: [] } });
  const socket = new FakeSocket();
  socket.connected = options.connected ?? true;
  renderInApp(<ChatPage />, { socket, path: `/chat/${SESSION_ID}`, route: '/chat/:sessionId?' });
  return { api, socket, reads: () => reads };
}

const running = { streamId: STREAM_ID, seq: 2 };

describe('ChatPage opened while an answer is being written (reload mid-answer)', () => {
  beforeEach(() => {
    vi.stubGlobal('matchMedia', undefined);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('follows the running answer: asks for a replay from seq 0, then shows live tokens, each once', async () => {
    const { socket } = openChat({ session, messages: [question], activeStream: running });
    await waitFor(() =>
      expect(socket.sentOf('chat-stream-resume')).toEqual([{ streamId: STREAM_ID, afterSeq: 0 }]),
    );
    expect(screen.getByTestId('message-user').textContent).toBe('What is an eigenvector?');
    expect(screen.getByTestId('typing-indicator')).toBeTruthy();
    expect(screen.getByTestId('stop-button')).toBeTruthy();
    expect(socket.listenerCount('chat-stream-token')).toBe(1);

    act(() => {
      // The replay (start and the two tokens already written), overlapping the live stream.
      socket.serverEmit('chat-stream-start', streamStart());
      socket.serverEmit('chat-stream-token', token(1, 'An eigenvector '));
      socket.serverEmit('chat-stream-token', token(2, 'keeps '));
      socket.serverEmit('chat-stream-token', token(2, 'keeps '));
      socket.serverEmit('chat-stream-token', token(3, 'its direction'));
    });
    expect(screen.getByTestId('streaming-answer').textContent).toBe('An eigenvector keeps its direction');

    act(() => socket.serverEmit('chat-stream-complete', complete('An eigenvector keeps its direction [1].')));
    const answer = await screen.findByTestId('message-assistant');
    expect(answer.getAttribute('data-message-id')).toBe(MESSAGE_ID);
    expect(answer.querySelector('.markdown')?.textContent).toBe('An eigenvector keeps its direction 1.');
    expect(screen.queryByTestId('message-streaming')).toBeNull();
    expect(screen.getAllByTestId('message-user')).toHaveLength(1);
    expect(socket.listenerCount('chat-stream-token')).toBe(0);
  });

  it('a retry running at load hides the answer it replaces and ends as its new version', async () => {
    const { socket } = openChat({ session, messages: [question, oldAnswer], activeStream: running });
    await waitFor(() => expect(socket.sentOf('chat-stream-resume')).toHaveLength(1));
    expect(screen.queryByTestId('message-assistant')).toBeNull();
    act(() => socket.serverEmit('chat-stream-token', token(1, 'A new answer')));
    expect(screen.getByTestId('streaming-answer').textContent).toBe('A new answer');

    const versions = [
      ...oldAnswer.versions,
      { content: 'A new answer.', citations: [], chunkReferences: [], createdAt: CREATED_AT },
    ];
    act(() =>
      socket.serverEmit(
        'chat-stream-complete',
        complete('A new answer.', { citations: [], versions, currentVersion: 1 }),
      ),
    );
    const answers = await screen.findAllByTestId('message-assistant');
    expect(answers).toHaveLength(1);
    expect(within(answers[0]!).getByTestId('version-label').textContent).toBe('Version 2/2');
    expect(answers[0]!.querySelector('.markdown')?.textContent).toBe('A new answer.');
  });

  it('waits for the socket to connect before asking for the replay', async () => {
    const { socket, reads } = openChat(
      { session, messages: [question], activeStream: running },
      { connected: false },
    );
    await waitFor(() => expect(reads()).toBeGreaterThanOrEqual(1));
    await screen.findByTestId('stop-button');
    expect(socket.sentOf('chat-stream-resume')).toEqual([]);
    act(() => socket.reconnect({ recovered: false }));
    expect(socket.sentOf('chat-stream-resume')).toEqual([{ streamId: STREAM_ID, afterSeq: 0 }]);
  });

  it('asks for nothing when no answer is running', async () => {
    const { socket, reads } = openChat({ session, messages: [question, oldAnswer], activeStream: null });
    await screen.findByTestId('message-assistant');
    expect(reads()).toBeGreaterThanOrEqual(1);
    expect(socket.sentOf('chat-stream-resume')).toEqual([]);
    expect(screen.queryByTestId('message-streaming')).toBeNull();
    expect(socket.listenerCount('chat-stream-token')).toBe(0);
  });

  it('nothing to replay and the chat no longer names the answer: shows what was saved', async () => {
    const saved = messageDto({ ...oldAnswer, content: 'The saved answer.', versions: [] });
    let over = false;
    const { socket } = openChat(() =>
      over
        ? { session, messages: [question, saved], activeStream: null }
        : { session, messages: [question], activeStream: running },
    );
    await waitFor(() => expect(socket.sentOf('chat-stream-resume')).toHaveLength(1));
    over = true;
    act(() => socket.ack('chat-stream-resume', { ok: true, found: false }));
    const answer = await screen.findByTestId('message-assistant');
    expect(answer.querySelector('.markdown')?.textContent).toBe('The saved answer.');
    expect(screen.queryByTestId('message-streaming')).toBeNull();
    expect(socket.listenerCount('chat-stream-token')).toBe(0);
  });

  it('nothing to replay yet but the chat still names the answer (it has not started): keeps waiting for it', async () => {
    const { socket, reads } = openChat({
      session,
      messages: [question],
      activeStream: { ...running, seq: 0 },
    });
    await waitFor(() => expect(socket.sentOf('chat-stream-resume')).toHaveLength(1));
    const before = reads();
    act(() => socket.ack('chat-stream-resume', { ok: true, found: false }));
    await waitFor(() => expect(reads()).toBe(before + 1));
    expect(screen.getByTestId('message-streaming')).toBeTruthy();
    act(() => socket.serverEmit('chat-stream-token', token(1, 'Live at last')));
    expect(screen.getByTestId('streaming-answer').textContent).toBe('Live at last');
  });

  it('the server writing the answer died (its replay died with it): part shown, nothing saved → a retryable error', async () => {
    let died = false;
    const { socket } = openChat(() =>
      died
        ? { session, messages: [question], activeStream: null }
        : { session, messages: [question], activeStream: running },
    );
    await waitFor(() => expect(socket.sentOf('chat-stream-resume')).toHaveLength(1));
    act(() => {
      socket.serverEmit('chat-stream-token', token(1, 'An eigenvector '));
      socket.ack('chat-stream-resume', { ok: true, found: true });
    });
    died = true;
    act(() => socket.disconnect());
    act(() => socket.reconnect({ recovered: false }));
    await waitFor(() => expect(socket.sentOf('chat-stream-resume')).toHaveLength(2));
    act(() => socket.ack('chat-stream-resume', { ok: true, found: false }));
    const shown = await screen.findAllByText('The answer was interrupted. Please try again.');
    expect(shown.length).toBeGreaterThan(0);
    expect(screen.getAllByRole('button', { name: 'Retry' }).length).toBeGreaterThan(0);
    expect(socket.listenerCount('chat-stream-token')).toBe(0);
  });
});
