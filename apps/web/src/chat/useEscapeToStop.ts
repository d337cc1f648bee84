import { useEffect, type RefObject } from 'react';
import { useLatestRef } from '../ui/useLatestRef.js';

/**
 * Escape stops the answer being written — what the Stop button does — while focus is in the chat
 * (`rootRef`: the conversation and the composer) or on no control at all (clicking Send or Stop, or
 * the answer's text, leaves focus on the page's body). A dialog or menu that answers Escape itself
 * stops the key there or marks it handled, and then keeps it.
 */
export function useEscapeToStop(rootRef: RefObject<HTMLElement>, running: boolean, stop: () => void): void {
  const stopRef = useLatestRef(stop);
  useEffect(() => {
    if (!running) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || e.isComposing) return;
      const target = e.target instanceof Node ? e.target : null;
      const inChat = target === document.body || (target !== null && !!rootRef.current?.contains(target));
      if (!inChat) return;
      e.preventDefault();
      stopRef.current();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [rootRef, running, stopRef]);
}
