import type { ClassDto, DocumentDto, UserEvent } from '@classchat/contracts';
import { useCallback, useEffect, useState } from 'react';
import { classesApi } from '../api/classes.js';
import { documentsApi } from '../api/documents.js';
import { errorMessage } from '../api/http.js';
import { applyToClasses, applyToDocuments } from '../streaming/applyUserEvent.js';

/** The user's classes and every document of the user, read once and then kept up to date. */
export function useLibraryLists() {
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
  const reload = useCallback(() => {
    void refreshClasses();
    void refreshDocuments();
  }, [refreshClasses, refreshDocuments]);
  useEffect(reload, [reload]);

  /** Follows what another tab or device changed. */
  const applyEvent = useCallback((event: UserEvent) => {
    setClasses((list) => applyToClasses(list, event));
    setDocuments((list) => list && applyToDocuments(list, event));
  }, []);
  /** Puts an uploaded document first, replacing an earlier copy of it. */
  const addDocument = useCallback((doc: DocumentDto) => {
    setDocuments((list) => list && [doc, ...list.filter((d) => d.id !== doc.id)]);
  }, []);
  /** Drops the documents a deletion removed, before the server's own event arrives. */
  const removeDocuments = useCallback((gone: (doc: DocumentDto) => boolean) => {
    setDocuments((list) => list?.filter((d) => !gone(d)) ?? list);
  }, []);

  return { classes, documents, loadError, refreshClasses, reload, applyEvent, addDocument, removeDocuments };
}
