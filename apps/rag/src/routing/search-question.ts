import type { ChatHistoryItem } from '@classchat/contracts';

/** Words by which a question points back at what was just discussed instead of naming it. */
const POINTS_BACK = /\b(?:it|its|they|them|their|this|that|these|those|he|she|him|her|one)\b/i;
/** Openings that continue the previous question ("and…", "what about…"). */
const CONTINUES = /^\s*(?:and|but|also|so|then|what about|how about)\b/i;
/** Longer questions carry their own topic, whatever pronoun they use. */
const MAX_WORDS = 8;

/**
 * The text retrieval should search for `question`. A short question that leans on the previous one
 * ("And where does it start?", "what about its inputs?") names its topic only through a pronoun,
 * so searched alone it finds whatever mentions "start". It is searched together with the student's
 * previous question, which names the topic. Any other question is searched as asked.
 */
export function questionToSearch(
  question: string,
  history: readonly Pick<ChatHistoryItem, 'role' | 'content'>[],
): string {
  const words = question.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0 || words.length > MAX_WORDS) return question;
  if (!POINTS_BACK.test(question) && !CONTINUES.test(question)) return question;
  const previous = history.findLast((m) => m.role === 'user' && m.content.trim() !== '');
  return previous ? `${previous.content.trim()} ${question}` : question;
}
