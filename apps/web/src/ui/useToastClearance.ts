import { useEffect, type RefObject } from 'react';

/**
 * While mounted, keeps the CSS variable `name` (on the document's root) at the height of `ref`'s
 * element, following it as it grows and shrinks.
 */
export function useHeightVariable(ref: RefObject<HTMLElement>, name: string): void {
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const root = document.documentElement;
    // The border box as laid out (a toast's entrance transform does not count), rounded up so the
    // room made is never a fraction of a pixel short.
    const observer = new ResizeObserver(([entry]) => {
      const height = entry?.borderBoxSize?.[0]?.blockSize ?? el.offsetHeight;
      root.style.setProperty(name, `${Math.ceil(height)}px`);
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      root.style.removeProperty(name);
    };
  }, [ref, name]);
}

/**
 * While mounted, keeps `--toast-clearance` at the height of `ref`'s element (a bar fixed to the
 * bottom of the screen, like the chat's composer), so toasts stand above it rather than over it.
 */
export function useToastClearance(ref: RefObject<HTMLElement>): void {
  useHeightVariable(ref, '--toast-clearance');
}
