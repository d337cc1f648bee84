/** A span along one axis: where it starts and how long it is. */
export interface Span {
  start: number;
  size: number;
}

/** How much of the neighbouring chip stays visible past the one brought into view: a hint the row scrolls on. */
export const CHIP_PEEK_PX = 24;

/**
 * The scroll offset of a row whose visible window is `view` (`start` = its scroll offset) that shows
 * all of `item` (in the row's content coordinates), moving as little as it can: unchanged when the
 * item is already whole on screen, else with `peek` pixels of the next chip beside it.
 */
export function scrollToShow(item: Span, view: Span, peek = CHIP_PEEK_PX): number {
  const itemEnd = item.start + item.size;
  if (item.start >= view.start && itemEnd <= view.start + view.size) return view.start;
  if (item.size + peek > view.size || item.start < view.start) return Math.max(0, item.start - peek);
  return itemEnd + peek - view.size;
}
