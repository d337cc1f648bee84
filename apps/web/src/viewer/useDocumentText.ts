import { useEffect, useState } from 'react';

/**
 * The text of a document, as rag read it so the passage's offsets and snippet locate it: Markdown and
 * plain text as stored less any NUL (a stray one is no text, and rag drops it); a DOCX as the raw text
 * mammoth extracts from it.
 */
export async function documentText(arrayBuffer: ArrayBuffer, format: 'text' | 'docx'): Promise<string> {
  if (format === 'text') return new TextDecoder().decode(arrayBuffer).replaceAll('\u0000', '');
  // Loaded only when a Word document is opened.
  const { extractRawText } = await import('mammoth');
  return (await extractRawText({ arrayBuffer })).value.replaceAll('\u0000', '');
}

/**
 * The file at `url` read as text (null while it loads); `error` says whether it could not be
 * fetched or could not be read. A new `url` or `format` abandons the read under way.
 */
export function useDocumentText(url: string, format: 'text' | 'docx') {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setText(null);
    setError(null);
    let arrived = false;
    fetch(url, { credentials: 'include', signal: controller.signal })
      .then(async (res) => {
        if (!res.ok) throw new Error(String(res.status));
        const body = await res.arrayBuffer();
        arrived = true;
        const content = await documentText(body, format);
        // A Word document is read after it arrived: not for a viewer that moved on meanwhile.
        if (!controller.signal.aborted) setText(content);
      })
      .catch(() => {
        if (controller.signal.aborted) return;
        setError(
          arrived
            ? 'This document cannot be shown here. Download the original to read it.'
            : 'This document could not be loaded. It may have been deleted.',
        );
      });
    return () => controller.abort();
  }, [url, format]);

  return { text, error };
}
