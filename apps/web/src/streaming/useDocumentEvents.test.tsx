import { act, renderHook } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { DOC_ID, FakeSocket } from '../test/fakeSocket.js';
import { useDocumentEvents } from './useDocumentEvents.js';

describe('useDocumentEvents under React.StrictMode', () => {
  it('listens once per event while mounted, folds events into status, and cleans up on unmount', () => {
    const socket = new FakeSocket();
    const hook = renderHook(() => useDocumentEvents({}, socket.asSocket()), {
      wrapper: ({ children }: { children: ReactNode }) => <StrictMode>{children}</StrictMode>,
    });
    expect(socket.listenerCount('processing-status')).toBe(1);
    expect(socket.listenerCount('document-ready')).toBe(1);
    act(() =>
      socket.serverEmit('processing-status', {
        docId: DOC_ID,
        status: 'processing',
        stage: 'chunking',
        progress: 0.5,
        error: null,
      }),
    );
    expect(hook.result.current[DOC_ID]).toMatchObject({ stage: 'chunking', progress: 0.5 });
    act(() => socket.serverEmit('document-ready', { docId: DOC_ID, pageCount: 3, chunkCount: 9 }));
    expect(hook.result.current[DOC_ID]).toMatchObject({ status: 'ready', pageCount: 3, chunkCount: 9 });
    hook.unmount();
    expect(socket.listenerCount()).toBe(0);
  });
});
