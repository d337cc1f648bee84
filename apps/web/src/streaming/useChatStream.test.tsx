import { act, render, renderHook } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { complete, FakeSocket, OTHER_STREAM_ID, SESSION_ID, STREAM_ID, token } from '../test/fakeSocket.js';
import { streamStart } from '../test/dtos.js';
import { PENDING_REQUEST_TIMEOUT_MS, STREAM_TIMEOUT_MS } from './chatStreamController.js';
import { useChatStream, type UseChatStreamOptions } from './useChatStream.js';

const STREAM_EVENTS = ['chat-stream-start', 'chat-stream-token', 'chat-stream-complete', 'chat-stream-error'];

function strict({ children }: { children: ReactNode }) {
  return <StrictMode>{children}</StrictMode>;
}

function setup(options: Omit<UseChatStreamOptions, 'socket'> = {}) {
  const socket = new FakeSocket();
  const hook = renderHook(() => useChatStream({ ...options, socket: socket.asSocket() }), {
    wrapper: strict,
  });
  return { socket, hook };
}

function streamListeners(socket: FakeSocket): number {
  return STREAM_EVENTS.reduce((n, e) => n + socket.listenerCount(e), 0);
}

describe('useChatStream under React.StrictMode', () => {
  it('holds no listeners until a stream is watched, then exactly one per event', () => {
    const { socket, hook } = setup();
    expect(socket.listenerCount()).toBe(0);
    act(() => hook.result.current.watch(STREAM_ID));
    for (const e of STREAM_EVENTS) expect(socket.listenerCount(e)).toBe(1);
    expect(socket.listenerCount('connect')).toBe(1);
  });

  it('shows each token once, in order, even when the server sends duplicates', () => {
    const { socket, hook } = setup();
    act(() => hook.result.current.watch(STREAM_ID));
    expect(hook.result.current.state.phase).toBe('waiting');
    act(() => {
      socket.serverEmit('chat-stream-start', streamStart());
      socket.serverEmit('chat-stream-token', token(1, 'The '));
      socket.serverEmit('chat-stream-token', token(1, 'The '));
      socket.serverEmit('chat-stream-token', token(2, 'answer'));
      socket.serverEmit('chat-stream-token', token(2, 'answer'));
    });
    expect(hook.result.current.state.text).toBe('The answer');
    expect(hook.result.current.state.phase).toBe('streaming');
    expect(hook.result.current.state.route).toBe('general_qa');
  });

  it('ignores tokens of other streams (a second tab of the same user)', () => {
    const { socket, hook } = setup();
    act(() => hook.result.current.watch(STREAM_ID));
    act(() => {
      socket.serverEmit('chat-stream-token', token(1, 'other', OTHER_STREAM_ID));
      socket.serverEmit('chat-stream-token', token(1, 'mine'));
    });
    expect(hook.result.current.state.text).toBe('mine');
  });

  it('removes its listeners on completion, shows the final content, and reports once', () => {
    const onComplete = vi.fn();
    const { socket, hook } = setup({ onComplete });
    act(() => hook.result.current.watch(STREAM_ID));
    act(() => {
      socket.serverEmit('chat-stream-token', token(1, 'Draft [1'));
      socket.serverEmit('chat-stream-complete', complete('Final answer [1].'));
    });
    expect(hook.result.current.state.phase).toBe('complete');
    expect(hook.result.current.state.text).toBe('Final answer [1].');
    expect(socket.listenerCount()).toBe(0);
    act(() => socket.serverEmit('chat-stream-complete', complete('again')));
    expect(onComplete).toHaveBeenCalledTimes(1);
  });

  it('removes its listeners on a stream error and reports the retryable flag', () => {
    const onError = vi.fn();
    const { socket, hook } = setup({ onError });
    act(() => hook.result.current.watch(STREAM_ID));
    act(() =>
      socket.serverEmit('chat-stream-error', {
        sessionId: SESSION_ID,
        streamId: STREAM_ID,
        error: 'Upstream failed',
        code: 'upstream_error',
        retryable: true,
      }),
    );
    expect(hook.result.current.state.phase).toBe('error');
    expect(socket.listenerCount()).toBe(0);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ retryable: true, code: 'upstream_error' });
  });

  it('removes every listener on unmount mid-stream', () => {
    const { socket, hook } = setup();
    act(() => hook.result.current.watch(STREAM_ID));
    act(() => socket.serverEmit('chat-stream-token', token(1, 'half')));
    expect(streamListeners(socket)).toBe(4);
    hook.unmount();
    expect(socket.listenerCount()).toBe(0);
  });

  it('does not accumulate listeners over ten consecutive answers', () => {
    const { socket, hook } = setup();
    for (let i = 0; i < 10; i++) {
      const id = `${STREAM_ID.slice(0, -2)}${String(i).padStart(2, '0')}`;
      act(() => hook.result.current.watch(id));
      expect(streamListeners(socket)).toBe(4);
      act(() => {
        socket.serverEmit('chat-stream-token', { ...token(1, `answer ${i}`), streamId: id });
        if (i % 2 === 0)
          socket.serverEmit('chat-stream-complete', { ...complete(`answer ${i}`), streamId: id });
      });
    }
    expect(streamListeners(socket)).toBe(4); // the last (unfinished) stream only
    hook.unmount();
    expect(socket.listenerCount()).toBe(0);
  });

  it('watching a new stream drops the listeners of the previous one', () => {
    const { socket, hook } = setup();
    act(() => hook.result.current.watch(STREAM_ID));
    act(() => hook.result.current.watch(OTHER_STREAM_ID));
    expect(streamListeners(socket)).toBe(4);
    act(() => socket.serverEmit('chat-stream-token', token(1, 'stale')));
    expect(hook.result.current.state.text).toBe('');
  });

  it('stop emits chat-stream-cancel once; the stopped completion ends the stream', () => {
    const { socket, hook } = setup();
    act(() => hook.result.current.watch(STREAM_ID));
    act(() => socket.serverEmit('chat-stream-token', token(1, 'partial')));
    act(() => {
      hook.result.current.stop();
      hook.result.current.stop();
    });
    expect(socket.sentOf('chat-stream-cancel')).toEqual([{ streamId: STREAM_ID }]);
    expect(hook.result.current.state.stopping).toBe(true);
    act(() => socket.serverEmit('chat-stream-complete', complete('partial', { status: 'stopped' })));
    expect(hook.result.current.state.result?.status).toBe('stopped');
    expect(socket.listenerCount()).toBe(0);
  });

  it('renders each token once in a StrictMode component tree', () => {
    const socket = new FakeSocket();
    let api: ReturnType<typeof useChatStream> | null = null;
    function Answer() {
      const stream = useChatStream({ socket: socket.asSocket() });
      api = stream;
      return <p data-testid="answer">{stream.state.text}</p>;
    }
    const view = render(
      <StrictMode>
        <Answer />
      </StrictMode>,
    );
    act(() => api!.watch(STREAM_ID));
    act(() => {
      for (const [i, w] of ['Linear ', 'maps ', 'preserve ', 'addition'].entries()) {
        socket.serverEmit('chat-stream-token', token(i + 1, w));
      }
    });
    expect(view.getByTestId('answer').textContent).toBe('Linear maps preserve addition');
    view.unmount();
    expect(socket.listenerCount()).toBe(0);
  });
});

describe('useChatStream resume after reconnect', () => {
  it('asks for a replay after the last applied seq when the connection state was not recovered', () => {
    const { socket, hook } = setup();
    act(() => hook.result.current.watch(STREAM_ID));
    act(() => {
      socket.serverEmit('chat-stream-token', token(1, 'a'));
      socket.serverEmit('chat-stream-token', token(2, 'b'));
    });
    act(() => socket.disconnect());
    act(() => socket.reconnect({ recovered: false }));
    expect(socket.sentOf('chat-stream-resume')).toEqual([{ streamId: STREAM_ID, afterSeq: 2 }]);
    // the server replays 2 (overlap) and 3, then continues live with 4
    act(() => {
      socket.serverEmit('chat-stream-token', token(2, 'b'));
      socket.serverEmit('chat-stream-token', token(3, 'c'));
      socket.serverEmit('chat-stream-token', token(4, 'd'));
    });
    expect(hook.result.current.state.text).toBe('abcd');
  });

  it('puts live tokens that overtake the replay in their place', () => {
    const { socket, hook } = setup();
    act(() => hook.result.current.watch(STREAM_ID));
    act(() => socket.serverEmit('chat-stream-token', token(1, 'a')));
    act(() => socket.disconnect());
    act(() => socket.reconnect({ recovered: false }));
    act(() => {
      socket.serverEmit('chat-stream-token', token(4, 'd')); // live, before the replay arrives
      socket.serverEmit('chat-stream-token', token(2, 'b'));
      socket.serverEmit('chat-stream-token', token(3, 'c'));
    });
    expect(hook.result.current.state.text).toBe('abcd');
  });

  it('asks for a replay after a reconnect that Socket.IO recovered too (chat events are not part of it)', () => {
    const { socket, hook } = setup();
    act(() => hook.result.current.watch(STREAM_ID));
    act(() => socket.serverEmit('chat-stream-token', token(1, 'a')));
    act(() => socket.disconnect());
    act(() => socket.reconnect({ recovered: true }));
    expect(socket.sentOf('chat-stream-resume')).toEqual([{ streamId: STREAM_ID, afterSeq: 1 }]);
  });

  it('asks from seq 0 when the socket connects only after the stream began', () => {
    const socket = new FakeSocket();
    socket.connected = false;
    const hook = renderHook(() => useChatStream({ socket: socket.asSocket() }), { wrapper: strict });
    act(() => hook.result.current.watch(STREAM_ID));
    act(() => socket.reconnect({ recovered: false }));
    expect(socket.sentOf('chat-stream-resume')).toEqual([{ streamId: STREAM_ID, afterSeq: 0 }]);
  });

  it('stops asking once the stream is over', () => {
    const { socket, hook } = setup();
    act(() => hook.result.current.watch(STREAM_ID));
    act(() => socket.serverEmit('chat-stream-complete', complete('done')));
    act(() => socket.disconnect());
    act(() => socket.reconnect({ recovered: false }));
    expect(socket.sentOf('chat-stream-resume')).toEqual([]);
  });
});

describe('useChatStream while the connection is lost', () => {
  afterEach(() => vi.useRealTimers());

  it('gives the answer up as a retryable error after 30 s without a connection', () => {
    vi.useFakeTimers();
    const onError = vi.fn();
    const { socket, hook } = setup({ onError });
    act(() => hook.result.current.watch(STREAM_ID));
    act(() => socket.serverEmit('chat-stream-token', token(1, 'half')));
    act(() => socket.disconnect());
    act(() => {
      vi.advanceTimersByTime(29_000);
    });
    expect(hook.result.current.state.phase).toBe('streaming');
    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    expect(hook.result.current.state.phase).toBe('error');
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: 'network_error', retryable: true });
    expect(socket.listenerCount()).toBe(0);
  });

  it('keeps following an answer whose connection came back in time', () => {
    vi.useFakeTimers();
    const onError = vi.fn();
    const { socket, hook } = setup({ onError });
    act(() => hook.result.current.watch(STREAM_ID));
    act(() => socket.disconnect());
    act(() => {
      vi.advanceTimersByTime(20_000);
    });
    act(() => socket.reconnect({ recovered: true }));
    act(() => {
      vi.advanceTimersByTime(40_000);
    });
    act(() => socket.serverEmit('chat-stream-token', token(1, 'still here')));
    expect(hook.result.current.state.text).toBe('still here');
    expect(onError).not.toHaveBeenCalled();
  });

  it('gives the answer up as a retryable error after STREAM_TIMEOUT_MS without an event, even while connected', () => {
    vi.useFakeTimers();
    const onError = vi.fn();
    const { socket, hook } = setup({ onError });
    act(() => hook.result.current.watch(STREAM_ID));
    act(() => {
      vi.advanceTimersByTime(STREAM_TIMEOUT_MS - 1_000);
    });
    // An event starts the wait again.
    act(() => socket.serverEmit('chat-stream-token', token(1, 'half')));
    act(() => {
      vi.advanceTimersByTime(STREAM_TIMEOUT_MS - 1_000);
    });
    expect(hook.result.current.state.phase).toBe('streaming');
    expect(socket.connected).toBe(true);
    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    expect(hook.result.current.state.phase).toBe('error');
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: 'stream_timeout', retryable: true });
    expect(socket.listenerCount()).toBe(0);
  });

  it('waits longer while the request starting the answer is unanswered (a server that does not stream), then the usual bound', () => {
    vi.useFakeTimers();
    const onError = vi.fn();
    const { hook } = setup({ onError });
    act(() => hook.result.current.watch(STREAM_ID, { requestPending: true }));
    act(() => {
      vi.advanceTimersByTime(STREAM_TIMEOUT_MS + 1_000);
    });
    expect(hook.result.current.state.phase).toBe('waiting');
    act(() => hook.result.current.accepted(STREAM_ID));
    act(() => {
      vi.advanceTimersByTime(STREAM_TIMEOUT_MS - 1_000);
    });
    expect(onError).not.toHaveBeenCalled();
    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: 'stream_timeout', retryable: true });
  });

  it('gives up a request that stays unanswered after PENDING_REQUEST_TIMEOUT_MS', () => {
    vi.useFakeTimers();
    const onError = vi.fn();
    const { hook } = setup({ onError });
    act(() => hook.result.current.watch(STREAM_ID, { requestPending: true }));
    act(() => {
      vi.advanceTimersByTime(PENDING_REQUEST_TIMEOUT_MS - 1_000);
    });
    expect(onError).not.toHaveBeenCalled();
    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    expect(hook.result.current.state.phase).toBe('error');
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: 'stream_timeout', retryable: true });
  });

  it('leaves no timer behind once the answer is complete', () => {
    vi.useFakeTimers();
    const onError = vi.fn();
    const { socket, hook } = setup({ onError });
    act(() => hook.result.current.watch(STREAM_ID));
    act(() => socket.serverEmit('chat-stream-complete', complete('done')));
    expect(vi.getTimerCount()).toBe(0);
    act(() => {
      vi.advanceTimersByTime(STREAM_TIMEOUT_MS * 2);
    });
    expect(onError).not.toHaveBeenCalled();
    expect(hook.result.current.state.phase).toBe('complete');
  });
});
