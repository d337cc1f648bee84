import { useEffect, useState, type FormEvent } from 'react';
import { Icon } from '../ui/Icon.js';

/** 1 = the page fits the column. */
export const ZOOM_STEPS = [0.75, 1, 1.25, 1.5, 2, 3];

/** Previous / page number / next. */
export function Pager({
  page,
  pageCount,
  onGo,
}: {
  page: number;
  pageCount: number | null;
  onGo: (page: number) => void;
}) {
  const [pageInput, setPageInput] = useState(String(page));
  useEffect(() => setPageInput(String(page)), [page]);

  function submitPage(e: FormEvent) {
    e.preventDefault();
    const n = Number.parseInt(pageInput, 10);
    if (Number.isFinite(n)) onGo(n);
    else setPageInput(String(page));
  }

  return (
    <nav className="viewer__pager" aria-label="Pages">
      <button
        type="button"
        className="icon-btn"
        aria-label="Previous page"
        disabled={page <= 1}
        onClick={() => onGo(page - 1)}
        data-testid="viewer-prev"
      >
        <Icon name="chevronLeft" />
      </button>
      <form onSubmit={submitPage} className="viewer__page-form">
        <label htmlFor="viewer-page" className="visually-hidden">
          Page number
        </label>
        <input
          id="viewer-page"
          className="input viewer__page-input"
          inputMode="numeric"
          value={pageInput}
          onChange={(e) => setPageInput(e.target.value.replace(/[^0-9]/g, ''))}
          onBlur={submitPage}
          data-testid="viewer-page-input"
        />
        <span className="viewer__page-total">of {pageCount ?? '…'}</span>
      </form>
      <button
        type="button"
        className="icon-btn"
        aria-label="Next page"
        disabled={pageCount !== null && page >= pageCount}
        onClick={() => onGo(page + 1)}
        data-testid="viewer-next"
      >
        <Icon name="chevronRight" />
      </button>
    </nav>
  );
}

/** Zoom out / level / zoom in, through ZOOM_STEPS. */
export function ZoomControls({ zoom, onZoom }: { zoom: number; onZoom: (zoom: number) => void }) {
  const step = (delta: number) =>
    onZoom(
      ZOOM_STEPS[Math.min(ZOOM_STEPS.length - 1, Math.max(0, ZOOM_STEPS.indexOf(zoom) + delta))] ?? zoom,
    );
  return (
    <div className="viewer__zoom" role="group" aria-label="Zoom">
      <button
        type="button"
        className="icon-btn"
        aria-label="Zoom out"
        disabled={zoom <= ZOOM_STEPS[0]!}
        onClick={() => step(-1)}
      >
        <Icon name="minus" />
      </button>
      <span className="viewer__zoom-label" aria-live="polite">
        {Math.round(zoom * 100)}%
      </span>
      <button
        type="button"
        className="icon-btn"
        aria-label="Zoom in"
        disabled={zoom >= ZOOM_STEPS[ZOOM_STEPS.length - 1]!}
        onClick={() => step(1)}
      >
        <Icon name="plus" />
      </button>
    </div>
  );
}
