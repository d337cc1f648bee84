import { useMemo } from 'react';
import { countDocuments } from './classCounts.js';
import { documentViews, inClass } from './libraryViews.js';
import type { LibraryData } from './useLibraryData.js';

/** What the library shows of its data with `selectedId`'s class selected (null: all documents). */
export function useLibraryViews(
  { classes, documents, live }: Pick<LibraryData, 'classes' | 'documents' | 'live'>,
  selectedId: string | null,
) {
  const selectedClass = classes.find((c) => c.id === selectedId) ?? null;
  const classNames = useMemo(() => Object.fromEntries(classes.map((c) => [c.id, c.name])), [classes]);
  const allViews = useMemo(() => documentViews(documents ?? [], live), [documents, live]);
  const views = useMemo(() => inClass(allViews, selectedId), [allViews, selectedId]);
  const counts = useMemo(() => (documents ? countDocuments(allViews) : null), [documents, allViews]);
  return { selectedClass, classNames, views, counts };
}
