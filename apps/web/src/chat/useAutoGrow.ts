import { useLayoutEffect, type RefObject } from 'react';

/**
 * The textarea grows with its text up to `maxHeight` px, then scrolls; it shrinks back as text goes.
 * Empty, it keeps its one-row height from CSS: its placeholder, wrapped while a wider Stop button
 * narrows it, would otherwise make it two rows tall and leave it so once the answer ended.
 */
export function useAutoGrow(ref: RefObject<HTMLTextAreaElement>, value: string, maxHeight = 220): void {
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    if (value === '') {
      el.style.height = '';
      return;
    }
    el.style.height = `${Math.min(el.scrollHeight, maxHeight)}px`;
  }, [value, ref, maxHeight]);
}
