/** Keys typed into a form control, or used to move through the contents list, are theirs. */
const KEYS_OWNED_BY = 'input, textarea, select, .toc';

/**
 * How many pages a key press turns: 1 for →, -1 for ←, 0 for any other key or for a key
 * pressed inside an element that uses the arrows itself.
 */
export function pageStepForKey(key: string, target: EventTarget | null): number {
  if (target instanceof Element && target.closest(KEYS_OWNED_BY)) return 0;
  if (key === 'ArrowRight') return 1;
  if (key === 'ArrowLeft') return -1;
  return 0;
}
