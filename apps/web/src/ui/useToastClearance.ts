import { useEffect, type RefObject } from 'react';

/**
 * While mounted, keeps `--toast-clearance` at the height of `ref`'s element (a bar fixed to the
 * bottom of the screen, like the chat's composer), so toasts stand above it rather than over it.
 */
export function useToastClearance(ref: RefObject<HTMLElement>): void {
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const root = document.documentElement;
    const measure = () => root.style.setProperty('--toast-clearance', `${el.offsetHeight}px`);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => {
      observer.disconnect();
      root.style.removeProperty('--toast-clearance');
    };
  }, [ref]);
}
