import { useLayoutEffect, type RefObject } from 'react';

/** The textarea grows with its text up to `maxHeight` px, then scrolls; it shrinks back as text goes. */
export function useAutoGrow(ref: RefObject<HTMLTextAreaElement>, value: string, maxHeight = 220): void {
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, maxHeight)}px`;
  }, [value, ref, maxHeight]);
}
