import { useEffect, useMemo, useRef, useState } from 'react';
import { Spinner } from '../ui/ProgressBar.js';
import { locatePassage, type PassageHint } from './highlight.js';
import { scrollIntoViewIfHidden } from './scrollIntoViewIfHidden.js';

/**
 * The text of a document. Markdown and plain text are shown as stored; a DOCX as the raw text mammoth
 * extracts from it, the same text rag chunked, so the passage's offsets and snippet locate it.
 */
async function documentText(arrayBuffer: ArrayBuffer, format: 'text' | 'docx'): Promise<string> {
  if (format === 'text') return new TextDecoder().decode(arrayBuffer);
  // Loaded only when a Word document is opened.
  const { extractRawText } = await import('mammoth');
  return (await extractRawText({ arrayBuffer })).value.replaceAll('\u0000', '');
}

/**
 * A text, Markdown or Word document shown as text, with the cited passage marked and scrolled to:
 * exactly the characters `span` when given, else wherever `hint` (an older citation's snippet) is found.
 */
export function TextView({
  url,
  span = null,
  hint = null,
  format = 'text',
  onPassage,
}: {
  url: string;
  span?: { start: number; end: number } | null;
  hint?: PassageHint | null;
  format?: 'text' | 'docx';
  onPassage?: (text: string | null) => void;
}) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const markRef = useRef<HTMLElement>(null);

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

  const spanStart = span?.start ?? null;
  const spanEnd = span?.end ?? null;
  const range = useMemo(() => {
    if (text === null) return null;
    if (spanStart !== null && spanEnd !== null) {
      const start = Math.min(spanStart, text.length);
      const end = Math.min(spanEnd, text.length);
      return end > start ? { start, end } : null;
    }
    if (!hint) return null;
    const [r] = locatePassage([text], hint);
    return r ?? null;
  }, [text, hint, spanStart, spanEnd]);

  const onPassageRef = useRef(onPassage);
  useEffect(() => {
    onPassageRef.current = onPassage;
  });

  useEffect(() => {
    if (text === null) return;
    onPassageRef.current?.(range ? text.slice(range.start, range.end) : null);
    scrollIntoViewIfHidden(markRef.current);
  }, [text, range]);

  if (error) {
    return (
      <p className="form-error" role="alert">
        {error}
      </p>
    );
  }
  if (text === null) {
    return (
      <div className="pdf__loading">
        <Spinner label="Loading document" />
      </div>
    );
  }
  return (
    <article className="text-doc" data-testid="text-document">
      {range ? (
        <>
          {text.slice(0, range.start)}
          <mark ref={markRef} className="hl" data-testid="passage-highlight">
            {text.slice(range.start, range.end)}
          </mark>
          {text.slice(range.end)}
        </>
      ) : (
        text
      )}
    </article>
  );
}
