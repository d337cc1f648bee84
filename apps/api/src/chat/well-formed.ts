import type { FinishedAnswer } from '../streaming/relay.js';

/** A lone UTF-16 surrogate: half of a character, which no UTF-8 text or JSON document may hold. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` with every lone surrogate replaced by U+FFFD (the replacement character). */
export const wellFormed = (text: string): string => text.replace(LONE_SURROGATE, '\uFFFD');

/** Every string inside a JSON-like value made well-formed. */
function wellFormedDeep<T>(value: T): T {
  if (typeof value === 'string') return wellFormed(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => wellFormedDeep(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wellFormedDeep(v)])) as T;
  }
  return value;
}

/**
 * The answer as it can be stored. A model may emit half of a character (an emoji split across two
 * tokens, a Stop between the two halves): PostgreSQL refuses it in jsonb, which would lose the whole
 * answer at save. The half becomes U+FFFD instead.
 */
export function wellFormedAnswer(answer: FinishedAnswer): FinishedAnswer {
  return {
    ...answer,
    content: wellFormed(answer.content),
    citations: wellFormedDeep(answer.citations),
    chunkReferences: wellFormedDeep(answer.chunkReferences),
    ...(answer.study ? { study: wellFormedDeep(answer.study) } : {}),
  };
}
