import type { MessageDto, UserEvent } from '@classchat/contracts';
import { act, renderHook } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { localUserMessage } from '../chat/messageModel.js';
import { FakeSocket, MESSAGE_ID, SESSION_ID } from '../test/fakeSocket.js';
import { applyToMessages } from './applyUserEvent.js';
import { useUserEvents } from './useUserEvents.js';

const CLASS_ID = '99999999-9999-4999-8999-999999999999';
const renamed = (rev: number, name: string): UserEvent => ({
  type: 'class-updated',
  rev,
  class: { id: CLASS_ID, name, documentCount: 0, createdAt: '2025-11-20T10:00:00.000Z' },
});

function mount() {
  const socket = new FakeSocket();
  const onEvent = vi.fn();
  const onResync = vi.fn();
  const hook = renderHook(() => useUserEvents({ onEvent, onResync }, socket.asSocket()), {
    wrapper: ({ children }: { children: ReactNode }) => <StrictMode>{children}</StrictMode>,
  });
  return { socket, onEvent, onResync, hook };
}

describe('useUserEvents under React.StrictMode', () => {
  it('listens once while mounted, hands over newer events only, ignores malformed ones, and cleans up', () => {
    const { socket, onEvent, hook } = mount();
    expect(socket.listenerCount('user-event')).toBe(1);
    act(() => {
      socket.serverEmit('user-event', renamed(2, 'Physics'));
      socket.serverEmit('user-event', renamed(1, 'Old'));
      socket.serverEmit('user-event', renamed(2, 'Physics'));
      socket.serverEmit('user-event', { type: 'class-updated', rev: 3 } as unknown as UserEvent);
    });
    expect(onEvent.mock.calls.map(([e]) => (e as UserEvent).rev)).toEqual([2]);
    hook.unmount();
    expect(socket.listenerCount()).toBe(0);
  });

  it('asks for a refetch after a reconnect that lost events, not after a recovered one', () => {
    const { socket, onResync } = mount();
    act(() => socket.reconnect({ recovered: false }));
    expect(onResync).not.toHaveBeenCalled();
    act(() => {
      socket.disconnect();
      socket.reconnect({ recovered: true });
    });
    expect(onResync).not.toHaveBeenCalled();
    act(() => {
      socket.disconnect();
      socket.reconnect({ recovered: false });
    });
    expect(onResync).toHaveBeenCalledTimes(1);
  });
});

describe('applyToMessages', () => {
  const saved = (overrides: Partial<MessageDto>): MessageDto => ({
    ...localUserMessage('Why?', 0),
    id: MESSAGE_ID,
    ...overrides,
  });

  it('turns this tab’s own pending question into the saved one instead of showing it twice', () => {
    const local = localUserMessage('Why?', 0);
    const next = applyToMessages([local], saved({ content: 'Why?' }));
    expect(next.map((m) => m.id)).toEqual([MESSAGE_ID]);
  });

  it('inserts a message by position and replaces a known one', () => {
    const a = saved({ id: SESSION_ID, position: 2, content: 'later' });
    const b = saved({ position: 1, content: 'earlier' });
    expect(applyToMessages([a], b).map((m) => m.content)).toEqual(['earlier', 'later']);
    expect(applyToMessages([a, b], { ...b, content: 'edited' }).map((m) => m.content)).toEqual([
      'later',
      'edited',
    ]);
  });
});
