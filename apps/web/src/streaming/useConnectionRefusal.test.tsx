import { SOCKET_AUTH_ERROR, SOCKET_TOO_MANY_ERROR } from '@classchat/contracts';
import { render, screen } from '@testing-library/react';
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { FakeSocket } from '../test/fakeSocket.js';
import { ToastProvider } from '../ui/Toasts.js';
import { TOO_MANY_TABS_MESSAGE, useConnectionRefusal } from './useConnectionRefusal.js';

function Listener({ socket }: { socket: FakeSocket }) {
  useConnectionRefusal(socket.asSocket());
  return null;
}

function mount() {
  const socket = new FakeSocket();
  const view = render(
    <ToastProvider>
      <Listener socket={socket} />
    </ToastProvider>,
  );
  return { socket, view };
}

describe('useConnectionRefusal', () => {
  it('tells the student at once why a tab over the socket limit gets no live answers, with a reload', () => {
    const { socket } = mount();
    act(() => socket.refuse('At most 20 connections per user', { code: SOCKET_TOO_MANY_ERROR }));
    expect(screen.getByText(TOO_MANY_TABS_MESSAGE)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy();
  });

  it('says nothing for other connection errors (an expired session is handled by the login flow)', () => {
    const { socket } = mount();
    act(() => socket.refuse('Session expired', { code: SOCKET_AUTH_ERROR }));
    act(() => socket.refuse('xhr poll error', undefined));
    expect(screen.queryByText(TOO_MANY_TABS_MESSAGE)).toBeNull();
  });

  it('stops listening when unmounted', () => {
    const { socket, view } = mount();
    expect(socket.listenerCount('connect_error')).toBe(1);
    view.unmount();
    expect(socket.listenerCount('connect_error')).toBe(0);
  });
});
