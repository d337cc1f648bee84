import { useState } from 'react';
import type { ViewerLocationState } from '../chat/CitationChip.js';
import type { CitedSpan } from './viewerUrl.js';

/**
 * The passage to quote above the document: the in-app citation's snippet, else the text the page
 * or text view highlighted for the cited span (reported through `onPassage`).
 */
export function useQuotedPassage(
  id: string,
  cited: CitedSpan | null,
  citation: ViewerLocationState['citation'] | null,
) {
  // The highlighted text, as the page or text showed it, for the span it belongs to.
  const [passage, setPassage] = useState<{ key: string; text: string } | null>(null);
  const passageKey = cited ? `${id}:${cited.page}:${cited.start}:${cited.end}` : null;
  const quoted = citation?.snippet ?? (passage && passage.key === passageKey ? passage.text : null);
  const onPassage = (text: string | null) => {
    if (text !== null && passageKey !== null) setPassage({ key: passageKey, text });
  };
  return { quoted, onPassage };
}
