import { render, type RenderResult } from '@testing-library/react';
import { StrictMode, type ReactElement } from 'react';
import { MemoryRouter, Route, Routes, type MemoryRouterProps } from 'react-router-dom';
import { SocketProvider } from '../streaming/SocketContext.js';
import { ROUTER_FUTURE } from '../ui/routerFuture.js';
import { ToastProvider } from '../ui/Toasts.js';
import type { FakeSocket } from './fakeSocket.js';

type InitialEntry = NonNullable<MemoryRouterProps['initialEntries']>[number];

/**
 * Renders `element` inside the app's providers, as main.tsx does (StrictMode, router at `path`,
 * which may carry history state, toasts, the socket), mounted at `route` when given.
 */
export function renderInApp(
  element: ReactElement,
  options: { socket: FakeSocket; path: InitialEntry; route?: string },
): RenderResult {
  return render(
    <StrictMode>
      <MemoryRouter initialEntries={[options.path]} future={ROUTER_FUTURE}>
        <ToastProvider>
          <SocketProvider socket={options.socket.asSocket()}>
            {options.route ? (
              <Routes>
                <Route path={options.route} element={element} />
              </Routes>
            ) : (
              element
            )}
          </SocketProvider>
        </ToastProvider>
      </MemoryRouter>
    </StrictMode>,
  );
}
