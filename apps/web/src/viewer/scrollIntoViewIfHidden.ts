/** Scroll the passage to the middle only when it is not already comfortably on screen. */
export function scrollIntoViewIfHidden(el: HTMLElement | null | undefined): void {
  if (!el) return;
  const r = el.getBoundingClientRect();
  const topClear = 160; // app header + sticky viewer toolbar
  if (r.top < topClear || r.bottom > window.innerHeight - 24) {
    el.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }
}
