import type { DocumentDto } from '@classchat/contracts';
import { withLiveStatus, type DocumentView, type LiveStatuses } from '../streaming/documentStatus.js';

/** Every document with what the socket reported since it was listed, the newest upload first. */
export function documentViews(documents: readonly DocumentDto[], live: LiveStatuses): DocumentView[] {
  return documents
    .map((d) => withLiveStatus(d, live[d.id]))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** The documents of the selected class, or all of them when none is selected. */
export function inClass(views: DocumentView[], classId: string | null): DocumentView[] {
  return classId ? views.filter((d) => d.classId === classId) : views;
}
