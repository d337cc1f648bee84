import { useDocumentEvents } from '../streaming/useDocumentEvents.js';
import { useUserEvents } from '../streaming/useUserEvents.js';
import { useLibraryLists } from './useLibraryLists.js';
import { useStorageUsage } from './useStorageUsage.js';

/**
 * The library's data — classes, every document of the user, the storage usage and the documents'
 * live processing status — loaded once and kept current with what this and other tabs change.
 */
export function useLibraryData() {
  const { reload, applyEvent, ...lists } = useLibraryLists();
  const { storage, setStorage, refreshStorage } = useStorageUsage();
  const { refreshClasses } = lists;

  const live = useDocumentEvents({
    onReady: () => void refreshClasses(),
    // A failed document's file is removed: it no longer takes any storage.
    onStatus: (status) => status.status === 'failed' && void refreshStorage(),
  });

  // What another tab or device changed: classes, documents and the storage meter follow at once.
  useUserEvents({
    onEvent: (event) => {
      applyEvent(event);
      if (event.type === 'usage-updated') setStorage(event.usage.storage);
    },
    onResync: () => {
      reload();
      void refreshStorage();
    },
  });

  return { ...lists, storage, live, refreshStorage };
}

export type LibraryData = ReturnType<typeof useLibraryData>;
