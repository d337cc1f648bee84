import { useLayoutEffect, type RefObject } from 'react';
import { scrollToShow } from './chipScroll.js';

/**
 * Keeps the selected chip (`[aria-current="true"]`) of a row that scrolls sideways (the classes on a
 * phone) in view, on load and whenever the selection or the chips change. Only the row scrolls, never
 * the page; a list that does not scroll sideways is left alone.
 */
export function useSelectedChipInView(listRef: RefObject<HTMLElement>, selectionKey: string): void {
  useLayoutEffect(() => {
    const list = listRef.current;
    const chip = list?.querySelector<HTMLElement>('[aria-current="true"]');
    if (!list || !chip || list.scrollWidth <= list.clientWidth) return;
    const listBox = list.getBoundingClientRect();
    const chipBox = chip.getBoundingClientRect();
    const left = scrollToShow(
      { start: chipBox.left - listBox.left + list.scrollLeft, size: chipBox.width },
      { start: list.scrollLeft, size: list.clientWidth },
    );
    if (left !== list.scrollLeft) list.scrollLeft = left;
  }, [listRef, selectionKey]);
}
