import type { DocumentDto } from '@classchat/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { uploadDocument, type UploadHandle } from '../api/documents.js';
import { errorMessage } from '../api/http.js';
import { useLatestRef } from '../ui/useLatestRef.js';
import { validateUpload } from './uploadRules.js';

export interface UploadItem {
  id: string;
  fileName: string;
  size: number;
  status: 'invalid' | 'uploading' | 'done' | 'failed';
  /** 0..1 of the bytes sent. */
  progress: number;
  error: string | null;
  duplicate: boolean;
}

/**
 * Uploads several files at once, each with its own progress. Files that break the type/size rules
 * are listed with their reason and never sent; the server's 413/415 message is shown the same way.
 */
export function useUploads(onUploaded: (doc: DocumentDto, duplicate: boolean) => void) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const handles = useRef(new Map<string, UploadHandle>());
  const onUploadedRef = useLatestRef(onUploaded);

  useEffect(() => {
    const map = handles.current;
    return () => {
      for (const h of map.values()) h.abort();
      map.clear();
    };
  }, []);

  const patch = useCallback((id: string, change: Partial<UploadItem>) => {
    setItems((list) => list.map((it) => (it.id === id ? { ...it, ...change } : it)));
  }, []);

  const dismiss = useCallback((id: string) => {
    handles.current.get(id)?.abort();
    handles.current.delete(id);
    setItems((list) => list.filter((it) => it.id !== id));
  }, []);

  /** Sends one file, its progress and outcome shown on item `id`; a finished upload leaves the list. */
  const send = useCallback(
    (id: string, file: File, classId: string | null) => {
      const handle = uploadDocument(file, classId, (progress) => patch(id, { progress }));
      handles.current.set(id, handle);
      handle.promise.then(
        ({ document, duplicate }) => {
          handles.current.delete(id);
          patch(id, { status: 'done', progress: 1, duplicate });
          onUploadedRef.current(document, duplicate);
          setTimeout(() => setItems((list) => list.filter((it) => it.id !== id)), duplicate ? 5000 : 2500);
        },
        (err: unknown) => {
          handles.current.delete(id);
          patch(id, { status: 'failed', error: errorMessage(err) });
        },
      );
    },
    [patch, onUploadedRef],
  );

  /** Lists every file, with the reason it breaks the rules or its upload started. */
  const addFiles = useCallback(
    (files: Iterable<File>, classId: string | null) => {
      const added: UploadItem[] = [];
      for (const file of files) {
        const item = listedUpload(file);
        added.push(item);
        if (item.status === 'uploading') send(item.id, file, classId);
      }
      setItems((list) => [...list, ...added]);
    },
    [send],
  );

  return { items, addFiles, dismiss };
}

/** A file as the list first shows it: refused with the rule it breaks, or on its way. */
function listedUpload(file: File): UploadItem {
  const problem = validateUpload(file);
  return {
    id: crypto.randomUUID(),
    fileName: file.name,
    size: file.size,
    status: problem ? 'invalid' : 'uploading',
    progress: 0,
    error: problem,
    duplicate: false,
  };
}
