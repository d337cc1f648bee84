import { citationMarker, type Route } from '@classchat/contracts';
import type { TrimmedHistory } from './history.js';
import { countTokens, MESSAGE_OVERHEAD_TOKENS, REPLY_PRIMER_TOKENS, type PromptMessage } from './tokens.js';

/** A passage as it is shown to the model. */
export interface ContextPassage {
  fileName: string;
  pageStart: number;
  pageEnd: number;
  text: string;
  /** Known token count of `text` (counted when absent). */
  tokenCount?: number;
  /** Section titles from outermost to innermost (shown in the block header when known). */
  sectionPath?: readonly string[];
}

const RULES = [
  'You are Class Chat, a study assistant for a student. You answer from the numbered passages of the',
  "student's own course material given below, and from nothing else.",
  '',
  'Rules:',
  '- Answer only from the passages. Do not add facts from elsewhere or from general knowledge, and do',
  '  not guess.',
  '- Cite the passage behind every statement with its number in lenticular brackets right after the',
  '  statement, e.g. "… two ATP per glucose【2】." Cite several as【1】【3】. Only cite numbers that exist,',
  '  and only for what that passage says. Never use square brackets for citations: square brackets in',
  '  the passages (code such as x[1], R output such as [1] "a", references such as [3]) are text, not',
  '  citations.',
  '- If the passages do not contain the answer, say so plainly, e.g. "Your material does not seem to',
  '  cover this.", and name the passages closest to it (with their citations) so the student can look.',
  '  If they answer only part of the question, answer that part and say what is missing.',
  '- Never invent an answer, a quotation or a citation.',
  '- Write in Markdown. Write formulas in LaTeX between $…$ (inline) or $$…$$ (display).',
  '- Answer in the language of the question.',
].join('\n');

const ROUTE_INSTRUCTIONS: Record<Route, string> = {
  general_qa: 'Answer the question clearly and directly. Keep it concise unless the question asks for depth.',
  follow_up:
    'The student is following up on your previous answer (in the conversation above). Continue from it: ' +
    'elaborate, clarify, simplify or give examples as asked, using the same passages and citing them.',
  quote_finding:
    'The student wants exact quotations. Quote the relevant sentences verbatim, word for word, inside ' +
    'double quotes, each followed by its citation, e.g. "…exact words…"【2】. Do not paraphrase inside ' +
    'quotes and do not join sentences from different places into one quote. Add at most one short sentence ' +
    'of context per quote. If no passage contains such a statement, say so.',
  generate_study_guide:
    'Write a structured study guide over the whole material given (the passages are spread across it): ' +
    '## Key concepts (short explanations), ## Important terms (term: definition), and ## Practice questions ' +
    '(5–10 questions, each with its answer). Cite passages throughout. Focus on a topic if the student named one.',
  quiz:
    'Quiz the student: write 5–8 questions about the topic they named (or the main ideas of the material ' +
    'when they named none), numbered, each answerable from one passage. Put the answers, each with its ' +
    'citation, under a final "### Answers" heading, so the student can try the questions first.',
  summary:
    'Summarize the material from beginning to end (the passages are spread across it, in reading order). ' +
    'Use a short overview paragraph, then one bullet or short section per main part, in order. Cover every ' +
    'part, citing passages throughout. Focus on a chapter or topic if the student named one.',
};

/** The system prompt of a route: shared rules, the route's task, then the numbered context blocks. */
export function systemPrompt(route: Route, passages: readonly ContextPassage[]): string {
  return promptHead(route) + contextBlocks(passages);
}

/** The fixed part of a route's system prompt: the rules and the route's task. */
const promptHead = (route: Route) => `${RULES}\n\nTask: ${ROUTE_INSTRUCTIONS[route]}\n\n`;

const headTokens = new Map<Route, number>();
/** Tokens of the context blocks when there are no passages (the same text every time). */
let noPassagesTokens: number | undefined;

/**
 * Tokens of the system prompt with these context blocks, its fixed head counted once per route.
 * Exact: the blocks open with a word ("Passages"), where the tokenizer's pre-split cuts the whole
 * prompt as well, so the two counts add up to the whole one.
 */
function systemPromptTokens(route: Route, blocks: string, passages: number): number {
  let head = headTokens.get(route);
  if (head === undefined) headTokens.set(route, (head = countTokens(promptHead(route))));
  if (passages > 0) return head + countTokens(blocks);
  return head + (noPassagesTokens ??= countTokens(blocks));
}

/** `【1】 file.pdf, page 3` + text, one block per passage; a clear note when there are none. */
export function contextBlocks(passages: readonly ContextPassage[]): string {
  if (passages.length === 0) {
    return "Passages: none. Nothing in the student's material matched this question; say so plainly.";
  }
  const blocks = passages.map((p, i) => {
    const section = p.sectionPath?.at(-1);
    return `${citationMarker(i + 1)} ${p.fileName}, ${pageLabel(p)}${section ? ` — ${section}` : ''}\n${p.text.trim()}`;
  });
  return `Passages:\n\n${blocks.join('\n\n')}`;
}

export function pageLabel(p: { pageStart: number; pageEnd: number }): string {
  return p.pageEnd > p.pageStart ? `pages ${p.pageStart}–${p.pageEnd}` : `page ${p.pageStart}`;
}

/** Tokens a passage costs in the context (text plus its header line). */
export function passageTokens(p: ContextPassage): number {
  return (p.tokenCount ?? countTokens(p.text)) + 12;
}

/** The passages, best first, that fit in `budgetTokens` (the first always does, so there is context). */
export function fitInOrder<P extends ContextPassage>(passages: readonly P[], budgetTokens: number): P[] {
  const out: P[] = [];
  let used = 0;
  for (const p of passages) {
    const cost = passageTokens(p);
    if (out.length > 0 && used + cost > budgetTokens) break;
    out.push(p);
    used += cost;
  }
  return out;
}

/**
 * At most `budgetTokens` of `passages` (in reading order), dropping evenly spaced ones rather than the
 * tail, so the beginning, middle and end all stay represented.
 */
export function thinEvenly<P extends ContextPassage>(passages: readonly P[], budgetTokens: number): P[] {
  const total = passages.reduce((s, p) => s + passageTokens(p), 0);
  if (total <= budgetTokens || passages.length <= 1) return [...passages];
  for (let keep = passages.length - 1; keep >= 1; keep--) {
    const picked = Array.from({ length: keep }, (_, i) =>
      keep === 1 ? passages[0]! : passages[Math.round((i * (passages.length - 1)) / (keep - 1))]!,
    );
    if (picked.reduce((s, p) => s + passageTokens(p), 0) <= budgetTokens) return picked;
  }
  return [passages[0]!];
}

export interface BuiltPrompt {
  messages: PromptMessage[];
  /**
   * The prompt's tokens, counted on first read: an answer needs them only when the model reports no
   * usage or the answer ends early, never before its first token.
   */
  readonly promptTokens: number;
}

/** System prompt with the context, the trimmed history (newest turns), then the question. */
export function buildPrompt(input: {
  route: Route;
  query: string;
  history: TrimmedHistory;
  passages: readonly ContextPassage[];
}): BuiltPrompt {
  const blocks = contextBlocks(input.passages);
  const { history } = input;
  let promptTokens: number | undefined;
  return {
    messages: [
      { role: 'system', content: promptHead(input.route) + blocks },
      ...history.messages,
      { role: 'user', content: input.query },
    ],
    get promptTokens() {
      // As `countPromptTokens` counts them: each message with its overhead, and the reply primer.
      promptTokens ??=
        REPLY_PRIMER_TOKENS +
        MESSAGE_OVERHEAD_TOKENS +
        systemPromptTokens(input.route, blocks, input.passages.length) +
        history.tokens +
        MESSAGE_OVERHEAD_TOKENS +
        countTokens(input.query);
      return promptTokens;
    },
  };
}

/**
 * Upper bound of a request's prompt tokens before retrieval: everything but the passages counted
 * exactly, the passages at the route's full context budget.
 */
export function estimatePromptTokens(input: {
  route: Route;
  query: string;
  history: TrimmedHistory;
  contextTokens: number;
}): number {
  const skeleton = buildPrompt({ ...input, passages: [] });
  return skeleton.promptTokens + input.contextTokens;
}
