import type { OutlineEntry } from '@classchat/contracts';
import { useEffect, useId, useMemo, useRef, useState, type RefObject } from 'react';
import { Icon } from '../ui/Icon.js';
import { useLatestRef } from '../ui/useLatestRef.js';
import { sectionPathAt } from './outline.js';

/**
 * The document's table of contents: a "Contents" button that opens the outline, each entry jumping
 * to the page its section begins on; the sections the shown page lies in are marked.
 */
export function OutlineNav({
  outline,
  page,
  onGo,
}: {
  outline: readonly OutlineEntry[];
  page: number;
  onGo: (page: number) => void;
}) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  useCloseOnPointerOutside(rootRef, open, () => setOpen(false));

  return (
    <div
      className="toc"
      ref={rootRef}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setOpen(false);
      }}
    >
      <button
        type="button"
        className="btn btn-small btn-ghost"
        aria-label="Contents"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        data-testid="toc-toggle"
      >
        <Icon name="book" size={16} /> <span className="hide-narrow">Contents</span>
      </button>
      {open && (
        <OutlineList
          id={panelId}
          outline={outline}
          page={page}
          onGo={(to) => {
            onGo(to);
            setOpen(false);
          }}
        />
      )}
    </div>
  );
}

/** While `open`, a pointer pressed anywhere outside `ref` calls `onClose`. */
function useCloseOnPointerOutside(ref: RefObject<HTMLElement>, open: boolean, onClose: () => void) {
  const onCloseRef = useLatestRef(onClose);
  useEffect(() => {
    if (!open) return;
    const closeOutside = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) onCloseRef.current();
    };
    document.addEventListener('pointerdown', closeOutside);
    return () => document.removeEventListener('pointerdown', closeOutside);
  }, [open, ref, onCloseRef]);
}

/** The outline's entries, indented by level; the sections the shown page lies in are marked. */
function OutlineList({
  id,
  outline,
  page,
  onGo,
}: {
  id: string;
  outline: readonly OutlineEntry[];
  page: number;
  onGo: (page: number) => void;
}) {
  const current = useMemo(() => new Set(sectionPathAt(outline, page)), [outline, page]);
  return (
    <nav id={id} className="toc__panel" aria-label="Contents" data-testid="toc">
      <ol className="toc__list">
        {outline.map((entry, i) => (
          <li key={`${i}-${entry.title}`} className="toc__entry" data-level={Math.min(entry.level, 4)}>
            <button
              type="button"
              className="toc__item"
              aria-current={current.has(entry) ? 'location' : undefined}
              onClick={() => onGo(entry.pageStart)}
              data-testid="toc-entry"
            >
              <span className="toc__title">{entry.title}</span>
              <span className="toc__page" aria-label={`page ${entry.pageStart}`}>
                {entry.pageStart}
              </span>
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}
