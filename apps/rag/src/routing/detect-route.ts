import type { ChatHistoryItem, Route } from '@classchat/contracts';

/**
 * Which route answers a question (SPEC §5 "Routes"). Deterministic and pure: the same question and
 * history always give the same route. Precedence: quiz, study guide, quote finding, follow-up,
 * summary, then general Q&A.
 *
 * `follow_up` needs a previous assistant answer and a question that names no new topic ("tell me
 * more", "can you elaborate?", "what do you mean by <a word of the last answer>?"). A follow-up
 * phrase that brings a new subject ("and what about chapter 2?") is a new question: `general_qa`.
 */
export function detectRoute(
  query: string,
  history: readonly Pick<ChatHistoryItem, 'role' | 'content'>[],
): Route {
  const q = normalize(query);
  if (QUIZ.some((re) => re.test(q))) return 'quiz';
  if (STUDY_GUIDE.some((re) => re.test(q))) return 'generate_study_guide';
  if (QUOTE.some((re) => re.test(q))) return 'quote_finding';
  const previous = lastExchange(history);
  if (previous && isFollowUp(q, previous)) return 'follow_up';
  if (SUMMARY.some((re) => re.test(q)) && !REFERS_TO_ANSWER.test(q)) return 'summary';
  return 'general_qa';
}

/** Lowercase, straight quotes, single spaces, no trailing punctuation. */
export function normalize(query: string): string {
  return query
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s?!.…]+$/u, '');
}

/** Questions to answer one at a time: a quiz, flashcards, practice questions, "test me". */
const QUIZ: RegExp[] = [
  /\bquiz(?:zes)?\b/,
  /\bflash ?cards?\b/,
  /\bpractice (?:questions?|problems?|tests?|exams?|quiz(?:zes)?)\b/,
  /\btest me\b/,
  /\b(?:ask|give) me (?:some |a few |\d+ )?(?:questions|exercises)\b/,
  /\bcheck (?:my|your)self\b/,
];

const STUDY_GUIDE: RegExp[] = [
  /\bstudy[- ]?guides?\b/,
  /\b(?:review|revision|cheat|crib) sheets?\b/,
  /\b(?:help me|how (?:do|should) i) (?:study|revise|review|prepare)\b/,
  /\b(?:exam|test) prep(?:aration)?\b/,
  /\bprepare (?:me )?for (?:the |my |an? )?(?:exam|test|midterm|final)\b/,
  /\bstudy (?:plan|notes|questions)\b/,
];

const QUOTE: RegExp[] = [
  /\bverbatim\b/,
  /\bword[- ]for[- ]word\b/,
  /\b(?:exact|direct|precise|actual|original) (?:quotes?|quotations?|words?|wording|phrasing|sentences?|lines?|passages?|text)\b/,
  /\bquot(?:e|es|ation|ations)\b/,
  /\b(?:where|which (?:page|part|section)) (?:does|do|did) (?:it|the (?:text|book|document|author|reading|notes|material|slides|paper))(?: \w+)? (?:say|state|mention|write|talk about)\b/,
  /\bcite (?:the )?(?:exact )?(?:passage|sentence|line|text)\b/,
];

const SUMMARY: RegExp[] = [
  /\bsummar(?:y|ies|i[sz]e|i[sz]ed|i[sz]ing|i[sz]ation)\b/,
  /\btl;? ?dr\b/,
  /\brecap\b/,
  /\boverview\b/,
  /\b(?:main|key|important|central) (?:points|ideas|takeaways|themes|concepts|arguments)\b/,
  /\bkey takeaways\b/,
  /\bgist\b/,
  /\bwhat(?: is|'s) (?:this|the|that|my) (?:document|doc|file|pdf|reading|class|course|chapter|paper|book|lecture|material)(?: \w+)? about\b/,
  /\bwhat (?:is|are) (?:this|these|the) (?:documents?|notes|readings?|slides|materials?) (?:about|covering)\b/,
  /\bwhat does (?:this|the) (?:document|doc|file|pdf|reading|class|course|chapter|paper|book|lecture) (?:cover|discuss)\b/,
];

/** "summarize that / your answer": a follow-up on the answer, not a summary of the material. */
const REFERS_TO_ANSWER =
  /\b(?:summar\w*|recap|tl;? ?dr)\b (?:that|it|your (?:answer|response|reply|explanation)|what you (?:said|wrote))\b/;

/** Phrases that ask to continue, clarify or rework the previous answer. */
const FOLLOW_UP: RegExp[] = [
  /\b(?:tell|show|give|teach) me more\b/,
  /^more\b/,
  /\b(?:elaborate|expand|expound)\b/,
  /\b(?:go on|continue|keep going|carry on)\b/,
  /\b(?:more|further|additional) (?:detail|details|info|information|depth|context|explanation)\b/,
  /\bin (?:more )?(?:detail|depth)\b/,
  /\b(?:what|how) do you mean\b/,
  /\bwhat does (?:that|this|it) mean\b/,
  /\bwhat (?:do|did) you mean\b/,
  /\b(?:explain|say|put|rephrase|reword|repeat|clarify|simplify|break down|walk me through) (?:that|this|it|those|these|them|your (?:answer|response|explanation)|the (?:last|previous) (?:answer|point|part))\b/,
  /\b(?:clarify|rephrase|repeat|simplify)\b/,
  /\b(?:simpler|plainer|easier) (?:terms|words|language|way)\b/,
  /\bin (?:plain|simple) (?:english|terms|words|language)\b/,
  /\bin other words\b/,
  /\b(?:like|as if) i(?:'m| am) (?:five|5|a child|a kid)\b/,
  /\beli5\b/,
  /\b(?:an|another|one more|more) examples?\b/,
  /\bexamples? of (?:that|this|it|those|these)\b/,
  /^(?:why|how)(?: so| come| not)?$/,
  /^(?:why|how) (?:is|was|does|did|do|are|were|would|could) (?:that|this|it|those|these|they)\b/,
  /^(?:and|so|but|ok|okay|then)? ?what about (?:that|this|it|those|these|them)$/,
  /\b(?:summar\w*|recap|tl;? ?dr) (?:that|it|your (?:answer|response|reply|explanation)|what you (?:said|wrote))\b/,
  /\b(?:what|which) (?:page|pages|source|sources) (?:is|was|are|were|did) (?:that|this|it|those|these|you)\b/,
  /^(?:really|are you sure|is that (?:right|true|correct)|and|so|and then|what else)$/,
  /^(?:can|could|would) you (?:say|explain|go over) (?:that|this|it) again\b/,
];

/** Words that carry no topic: function words, follow-up vocabulary, pronouns. */
const NOT_A_TOPIC = new Set(
  (
    'a an the and or but so then also too and/or of in on at to for from by with about into over as ' +
    'is are was were be been being do does did done have has had can could would should will shall may might must ' +
    'i me my mine you your yours we us our it its this that these those they them their he she him her ' +
    'what which who whom whose why how when where there here ' +
    'please pls thanks thank ok okay yes no not really just very more most much many some any further ' +
    'tell show give teach explain elaborate expand expound go on continue keep going carry say put rephrase reword ' +
    'repeat clarify simplify break down walk through mean meant means detail details info information depth ' +
    'context explanation example examples another one simpler plainer easier simple plain terms words language way ' +
    'english other like if five 5 child kid eli5 again answer response reply explained said wrote point part ' +
    'last previous sure right true correct else summarize summarise summary recap tldr source sources page pages ' +
    "let let's lets know understand get got see bit little less bigger smaller better"
  ).split(' '),
);

interface Exchange {
  /** Content words of the last user question and the last assistant answer. */
  words: Set<string>;
}

function lastExchange(history: readonly Pick<ChatHistoryItem, 'role' | 'content'>[]): Exchange | null {
  let assistant = -1;
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i]?.role === 'assistant' && history[i]!.content.trim() !== '') {
      assistant = i;
      break;
    }
  }
  if (assistant === -1) return null;
  const texts = [history[assistant]!.content];
  for (let i = assistant - 1; i >= 0; i--) {
    if (history[i]?.role === 'user') {
      texts.push(history[i]!.content);
      break;
    }
  }
  return { words: new Set(texts.flatMap((t) => words(normalize(t)).map(stem))) };
}

/** Words of a normalized text; contractions keep their stem ("i'm" → "i", "what's" → "what"). */
function words(text: string): string[] {
  return (text.match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? []).map((w) => w.split("'")[0]!);
}

/** Crude plural folding so "enzymes" matches "enzyme". */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

function isFollowUp(q: string, previous: Exchange): boolean {
  if (!FOLLOW_UP.some((re) => re.test(q))) return false;
  // A word that is neither follow-up vocabulary nor in the last exchange names a new topic.
  const newTopic = words(q).some((w) => !NOT_A_TOPIC.has(w) && !previous.words.has(stem(w)));
  return !newTopic;
}
