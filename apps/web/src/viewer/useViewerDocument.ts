import type { DocumentDto } from '@classchat/contracts';
import { useEffect, useState } from 'react';
import { documentsApi } from '../api/documents.js';
import { errorMessage } from '../api/http.js';

/**
 * The document `id` (null while it loads; `error` says why it could not be), and its page count:
 * the server's, until the shown PDF reports its own through `setPageCount`.
 */
export function useViewerDocument(id: string) {
  const [doc, setDoc] = useState<DocumentDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pageCount, setPageCount] = useState<number | null>(null);

  useEffect(() => {
    let cancelled = false;
    documentsApi.get(id).then(
      (d) => {
        if (cancelled) return;
        setDoc(d);
        if (d.pageCount) setPageCount(d.pageCount);
      },
      (err: unknown) => !cancelled && setError(errorMessage(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [id]);

  return { doc, error, pageCount, setPageCount };
}
