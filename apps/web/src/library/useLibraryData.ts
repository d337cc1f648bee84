import type { ClassDto, DocumentDto, StorageUsage } from '@classchat/contracts';
import { useCallback, useEffect, useState } from 'react';
import { authApi } from '../api/auth.js';
import { classesApi } from '../api/classes.js';
import { documentsApi } from '../api/documents.js';
import { errorMessage } from '../api/http.js';
import { applyToClasses, applyToDocuments } from '../streaming/applyUserEvent.js';
import { useDocumentEvents } from '../streaming/useDocumentEvents.js';
import { useUserEvents } from '../streaming/useUserEvents.js';

/**
 * The library's data — classes, every document of the user, the storage usage and the documents'
 * live processing status — loaded once and kept current with what this and other tabs change.
 */
export function useLibraryData() {
  const [classes, setClasses] = useState<ClassDto[]>([]);
  // Every document of the user: the selected class's are a filter of it, and the counts come from it.
  const [documents, setDocuments] = useState<DocumentDto[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const refreshClasses = useCallback(async () => {
    try {
      setClasses(await classesApi.list());
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }, []);
  const refreshDocuments = useCallback(async () => {
    try {
      setDocuments(await documentsApi.list());
      setLoadError(null);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void refreshClasses();
    void refreshDocuments();
  }, [refreshClasses, refreshDocuments]);

  // What the documents take of the user's storage quota; read again whenever it may have changed.
  const [storage, setStorage] = useState<StorageUsage | null>(null);
  const refreshStorage = useCallback(async () => {
    try {
      setStorage((await authApi.usage()).storage);
    } catch {
      // The meter is informative: the upload itself says when the library is full.
    }
  }, []);
  useEffect(() => {
    void refreshStorage();
  }, [refreshStorage]);

  const live = useDocumentEvents({
    onReady: () => void refreshClasses(),
    // A failed document's file is removed: it no longer takes any storage.
    onStatus: (status) => status.status === 'failed' && void refreshStorage(),
  });

  // What another tab or device changed: classes, documents and the storage meter follow at once.
  useUserEvents({
    onEvent: (event) => {
      setClasses((list) => applyToClasses(list, event));
      setDocuments((list) => list && applyToDocuments(list, event));
      if (event.type === 'usage-updated') setStorage(event.usage.storage);
    },
    onResync: () => {
      void refreshClasses();
      void refreshDocuments();
      void refreshStorage();
    },
  });

  /** Puts an uploaded document first, replacing an earlier copy of it. */
  const addDocument = useCallback((doc: DocumentDto) => {
    setDocuments((list) => list && [doc, ...list.filter((d) => d.id !== doc.id)]);
  }, []);
  /** Drops the documents a deletion removed, before the server's own event arrives. */
  const removeDocuments = useCallback((gone: (doc: DocumentDto) => boolean) => {
    setDocuments((list) => list?.filter((d) => !gone(d)) ?? list);
  }, []);

  return {
    classes,
    documents,
    loadError,
    storage,
    live,
    refreshClasses,
    refreshStorage,
    addDocument,
    removeDocuments,
  };
}

export type LibraryData = ReturnType<typeof useLibraryData>;
