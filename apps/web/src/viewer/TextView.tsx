import { useEffect, useMemo, useRef, useState } from 'react';
import { Spinner } from '../ui/ProgressBar.js';
import { locatePassage, type PassageHint } from './highlight.js';
import { scrollIntoViewIfHidden } from './scrollIntoViewIfHidden.js';

/** A Markdown or text document shown as text, with the cited passage marked and scrolled to. */
export function TextView({ url, hint }: { url: string; hint: PassageHint | null }) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const markRef = useRef<HTMLElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    setText(null);
    setError(null);
    fetch(url, { credentials: 'include', signal: controller.signal })
      .then(async (res) => {
        if (!res.ok) throw new Error(String(res.status));
        setText(await res.text());
      })
      .catch((err: unknown) => {
        if ((err as { name?: string } | null)?.name === 'AbortError') return;
        setError('This document could not be loaded. It may have been deleted.');
      });
    return () => controller.abort();
  }, [url]);

  const range = useMemo(() => {
    if (text === null || !hint) return null;
    const [r] = locatePassage([text], hint);
    return r ?? null;
  }, [text, hint]);

  useEffect(() => {
    scrollIntoViewIfHidden(markRef.current);
  }, [range]);

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
