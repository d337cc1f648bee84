import { useEffect, useState } from 'react';
import { useLatestRef } from '../ui/useLatestRef.js';
import { pdfjs, type PDFDocumentProxy } from './pdfjs.js';
import { pdfOpenErrorMessage } from './pdfRules.js';

/**
 * The PDF at `url`, opened with PDF.js (null while it loads or when it failed, `error` then says
 * why); `onLoaded` hears its page count. A new `url` drops the old document and its loading task.
 */
export function usePdfDocument(
  url: string,
  onLoaded: (pageCount: number) => void,
): { pdf: PDFDocumentProxy | null; error: string | null } {
  const [pdf, setPdf] = useState<PDFDocumentProxy | null>(null);
  const [error, setError] = useState<string | null>(null);
  const onLoadedRef = useLatestRef(onLoaded);

  useEffect(() => {
    const task = pdfjs.getDocument({ url, withCredentials: true });
    let cancelled = false;
    setPdf(null);
    setError(null);
    task.promise.then(
      (doc) => {
        if (cancelled) return;
        setPdf(doc);
        onLoadedRef.current(doc.numPages);
      },
      (err: unknown) => {
        if (!cancelled) setError(pdfOpenErrorMessage(err));
      },
    );
    return () => {
      cancelled = true;
      void task.destroy();
    };
  }, [url, onLoadedRef]);

  return { pdf, error };
}
