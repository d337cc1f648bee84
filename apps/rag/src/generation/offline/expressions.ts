import nlp from 'compromise';
import { tagged } from '../../retrieval/light-words.js';
import { termsOf } from './terms.js';

/**
 * What some questions ask for besides their topic: "How often are uploads processed?" is answered by
 * the sentence that says how often ("every five minutes"), not by any sentence about uploads. The
 * question's opening says which kind of expression it wants; a part-of-speech tagger (compromise)
 * says whether a sentence holds one: its durations, dates, numbers and conditions are tagged in
 * context, which a word list would not do ("five minutes", "Friday, 12 June", "unless").
 */
export type Expression =
  'frequency' | 'extent' | 'quantity' | 'time' | 'reason' | 'condition' | 'instruction';

/**
 * The question's asking phrase: from its first question word on, so that a lead-in ("In chapter 4,
 * how should…") does not hide it, and a question word inside the topic ("How can I time how long a
 * computation takes?") does not count.
 */
function askingPhrase(question: string): string {
  const q = question.trim().toLowerCase().replace(/\s+/g, ' ');
  const at = q.search(/\b(?:how|when|why|what|which|where|who)\b/);
  return at === -1 ? q : q.slice(at);
}

/** The asking phrases of each kind, at the start of the question's asking phrase. */
const ASKS: ReadonlyArray<[Expression, RegExp]> = [
  [
    'frequency',
    /^(?:how (?:often|frequently|many times)|at what (?:interval|frequency|rate)|what (?:is the )?(?:interval|frequency))\b/,
  ],
  // "How long does it take / are backups kept / can a line be": a duration or a size.
  ['extent', /^how (?:long|far|big|large|wide|high|deep|old)\b/],
  ['quantity', /^(?:how (?:many|much)|what (?:is the )?(?:number|amount|percentage|proportion|size) of)\b/],
  ['time', /^(?:when|at what (?:time|point|stage)|what time|by when|until when|how soon)\b/],
  ['reason', /^(?:why|what is the reason|for what reason|what for)\b/],
  [
    'condition',
    /^(?:what (?:happens|will happen|would happen|if)|what (?:does|do|will|would) (?:\S+ ){1,4}(?:do|happen|say|print|return) (?:if|when|unless)\b)/,
  ],
  [
    'instruction',
    /^(?:(?:how|what|where|when) (?:should|must|ought)|how (?:am i|are we|is (?:\S+ ){1,4})supposed to|what (?:am i|is (?:\S+ ){1,4})supposed to|what (?:do|does) (?:\S+ ){1,4}(?:have|need) to)\b/,
  ],
];

/** The kind of expression a question asks for and the words that ask for it, or null. */
function readAsking(question: string): { kind: Expression; phrase: string } | null {
  const phrase = askingPhrase(question);
  for (const [kind, re] of ASKS) {
    const m = re.exec(phrase);
    if (m) return { kind, phrase: m[0] };
  }
  return null;
}

/** The kind of expression a question asks for, or null for a question only about its topic. */
export function expressionAsked(question: string): Expression | null {
  return readAsking(question)?.kind ?? null;
}

/**
 * The terms of the words that ask ("often" in "how often…", "long" in "how long…", "happen" in
 * "what happens if…"): they say what kind of answer is wanted, not what it is about, and a sentence
 * that repeats them ("long options", "it often helps") is no closer to the answer.
 */
export function askingTerms(question: string): string[] {
  const asking = readAsking(question);
  return asking ? termsOf(asking.phrase) : [];
}

/** A frequency: "every five minutes", "each hour", "twice a day", "three times per week", "daily". */
const FREQUENCY = [
  '(every|each|per) #Value? #Duration',
  '(#Value|once|twice) times? (a|an|per|every|each) #Duration',
  '(hourly|daily|nightly|weekly|monthly|yearly|annually|periodically|regularly|whenever)',
  '(each|every) time',
];

type Match = ReturnType<typeof nlp.parseMatch>;

/**
 * What a sentence must hold to answer each kind of question: any one of these matches (compromise
 * match syntax, parsed once).
 */
const HOLDS: Record<Exclude<Expression, 'reason'>, readonly Match[]> = {
  frequency: FREQUENCY.map((m) => nlp.parseMatch(m)),
  extent: [nlp.parseMatch('(#Duration|#Cardinal|#Fraction|#Percent)')],
  quantity: [nlp.parseMatch('(#Cardinal|#Fraction|#Percent|#Money)')],
  // A date or clock time, or a clause that places it ("after…", "until…", "when…", "if…").
  time: ['(#Date|#Condition|before|after|until|till|once|whenever|while|during|when)', 'as soon as'].map(
    (m) => nlp.parseMatch(m),
  ),
  condition: ['(#Condition|when|whenever|otherwise)', 'in case', 'provided that', 'as long as'].map((m) =>
    nlp.parseMatch(m),
  ),
  // An obligation ("should", "needs to"), advice ("it is advisable to", "we recommend") or an
  // instruction (a sentence opening on a verb).
  instruction: [
    '(should|must|ought|shall)',
    '(need|needs|has|have) to',
    '(advisable|advise|advised|recommend|recommends|recommended|preferable|encouraged|required)',
    '(best|better) to',
    '^please? #Infinitive',
  ].map((m) => nlp.parseMatch(m)),
};

/** The link words that say a reason. */
const WHY_CUE =
  /\b(?:because|since|so that|in order to|the reason|therefore|thus|this means|due to|the (?:\w+ )?point (?:here )?is that)\b/i;

/** Whether a sentence holds the kind of expression a question asks for. */
export function holdsExpression(sentence: string, kind: Expression): boolean {
  // A reason is said with a few link words; the tagger adds nothing to them.
  if (kind === 'reason') return WHY_CUE.test(sentence);
  const doc = tagged(sentence);
  return HOLDS[kind].some((match) => doc.has(match));
}
