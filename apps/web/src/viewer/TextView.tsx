import { useEffect, useMemo, useRef } from 'react';
import { Spinner } from '../ui/ProgressBar.js';
import { useLatestRef } from '../ui/useLatestRef.js';
import type { PassageHint } from './highlight.js';
import { scrollIntoViewIfHidden } from './scrollIntoViewIfHidden.js';
import { textPassageRange, type TextRange } from './textPassage.js';
import { useDocumentText } from './useDocumentText.js';

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
  span?: TextRange | null;
  hint?: PassageHint | null;
  format?: 'text' | 'docx';
  onPassage?: (text: string | null) => void;
}) {
  const { text, error } = useDocumentText(url, format);
  const spanStart = span?.start ?? null;
  const spanEnd = span?.end ?? null;
  const range = useMemo(() => {
    if (text === null) return null;
    const cited = spanStart !== null && spanEnd !== null ? { start: spanStart, end: spanEnd } : null;
    return textPassageRange(text, cited, hint);
  }, [text, hint, spanStart, spanEnd]);
  const markRef = useReportedPassage(text, range, onPassage);

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

/**
 * Once the text is shown: tells `onPassage` the marked text (null when nothing is marked) and
 * scrolls the mark behind the returned ref into view.
 */
function useReportedPassage(
  text: string | null,
  range: TextRange | null,
  onPassage: ((text: string | null) => void) | undefined,
) {
  const markRef = useRef<HTMLElement>(null);
  const onPassageRef = useLatestRef(onPassage);
  useEffect(() => {
    if (text === null) return;
    onPassageRef.current?.(range ? text.slice(range.start, range.end) : null);
    scrollIntoViewIfHidden(markRef.current);
  }, [text, range, onPassageRef]);
  return markRef;
}
