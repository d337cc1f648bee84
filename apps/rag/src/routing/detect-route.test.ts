import { describe, expect, it } from 'vitest';
import type { Route } from '@classchat/contracts';
import { detectRoute } from './detect-route.js';
import { ROUTE_CONFIG } from './route-config.js';

type Turn = { role: 'user' | 'assistant'; content: string };

const answered: Turn[] = [
  { role: 'user', content: 'What does the Krebs cycle produce?' },
  {
    role: 'assistant',
    content:
      'Each turn of the Krebs cycle produces NADH, FADH2 and one GTP, and releases two molecules of carbon dioxide [1]. ' +
      'Acetyl CoA joins oxaloacetate to form citrate [2].',
  },
];

/** [question, history, expected route] */
const table: Array<[string, Turn[], Route]> = [
  // general questions
  ['What is the plasma membrane made of?', [], 'general_qa'],
  ['How does the sodium potassium pump work?', answered, 'general_qa'],
  ['Explain glycolysis', [], 'general_qa'],
  ['Why do yeast cells ferment pyruvate?', answered, 'general_qa'],
  ['What is the net ATP yield of glycolysis', answered, 'general_qa'],
  ['define osmosis', [], 'general_qa'],
  ['Compare photosynthesis and respiration.', answered, 'general_qa'],
  // follow-ups (need a previous answer and no new topic)
  ['tell me more', answered, 'follow_up'],
  ['Tell me more!', answered, 'follow_up'],
  ['can you elaborate?', answered, 'follow_up'],
  ['Could you explain that in simpler terms?', answered, 'follow_up'],
  ['what do you mean?', answered, 'follow_up'],
  ['give me an example', answered, 'follow_up'],
  ['go on', answered, 'follow_up'],
  ['Why?', answered, 'follow_up'],
  ['why is that?', answered, 'follow_up'],
  ['Explain it like I’m five', answered, 'follow_up'],
  ['can you summarize that?', answered, 'follow_up'],
  ['tell me more about the Krebs cycle', answered, 'follow_up'],
  ['What do you mean by oxaloacetate?', answered, 'follow_up'],
  ['more details please', answered, 'follow_up'],
  ['and what about it?', answered, 'follow_up'],
  // follow-up phrasing that names a new topic, or has no previous answer
  ['and what about chapter 2?', answered, 'general_qa'],
  ['tell me more about photosynthesis', answered, 'general_qa'],
  ['tell me more', [], 'general_qa'],
  ['can you elaborate?', [{ role: 'user', content: 'hi' }], 'general_qa'],
  ['What do you mean by chemiosmosis?', answered, 'general_qa'],
  ['give me an example of active transport', answered, 'general_qa'],
  // quote finding
  ['give me the exact quote where the author defines glycolysis', [], 'quote_finding'],
  ['What does the text say verbatim about cholesterol?', answered, 'quote_finding'],
  ['Quote the sentence about the fluid mosaic model', [], 'quote_finding'],
  ['Find the exact wording of the definition of ATP synthase', [], 'quote_finding'],
  ['where does the document say that glycolysis does not need oxygen?', [], 'quote_finding'],
  ['word-for-word, what is the first law?', [], 'quote_finding'],
  ['give me the exact quote for that', answered, 'quote_finding'],
  // study guides
  ['make me a study guide', [], 'generate_study_guide'],
  ['Make me a study guide for chapter 3', answered, 'generate_study_guide'],
  // quizzes and flashcards (questions shown one at a time)
  ['quiz me', answered, 'quiz'],
  ['Quiz me on the Krebs cycle', [], 'quiz'],
  ['create flashcards for this class', [], 'quiz'],
  ['can you make flash cards?', [], 'quiz'],
  ['flashcards on factors', [], 'quiz'],
  ['give me practice questions', [], 'quiz'],
  ['test me on data frames', answered, 'quiz'],
  ['ask me some questions about osmosis', [], 'quiz'],
  ['make me a study guide with a quiz at the end', [], 'quiz'],
  ['help me prepare for the exam', [], 'generate_study_guide'],
  ['Write a review sheet', [], 'generate_study_guide'],
  // summaries
  ['summarize this document', [], 'summary'],
  ['Summarise the reading', answered, 'summary'],
  ['Can you give me a summary of chapter 4?', [], 'summary'],
  ["what's this document about?", [], 'summary'],
  ['What is this class about', answered, 'summary'],
  ['give me an overview', [], 'summary'],
  ['What are the key points?', [], 'summary'],
  ['tl;dr', [], 'summary'],
];

describe('detectRoute', () => {
  it('has a table of at least 40 phrasings', () => {
    expect(table.length).toBeGreaterThanOrEqual(40);
  });

  it.each(table.map(([q, history, route]) => [q, route, history] as const))(
    '%j → %s',
    (question, expected, history) => {
      expect(detectRoute(question, history)).toBe(expected);
    },
  );

  it('is deterministic', () => {
    for (const [question, history] of table) {
      expect(detectRoute(question, history)).toBe(detectRoute(question, history));
    }
  });

  it('ignores empty assistant messages when looking for a previous answer', () => {
    expect(
      detectRoute('tell me more', [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: '   ' },
      ]),
    ).toBe('general_qa');
  });
});

describe('route configuration', () => {
  it('gives every route sane settings', () => {
    for (const cfg of Object.values(ROUTE_CONFIG)) {
      expect(cfg.k).toBeGreaterThan(0);
      expect(cfg.maxOutputTokens).toBeGreaterThan(0);
      expect(cfg.temperature).toBeGreaterThanOrEqual(0);
      if (cfg.strategy === 'search') expect(cfg.candidates).toBeGreaterThanOrEqual(cfg.k);
    }
    expect(ROUTE_CONFIG.follow_up.strategy).toBe('previous');
    expect(ROUTE_CONFIG.summary.strategy).toBe('spread');
    expect(ROUTE_CONFIG.generate_study_guide.strategy).toBe('spread');
    expect(ROUTE_CONFIG.quiz.strategy).toBe('topic');
    for (const cfg of Object.values(ROUTE_CONFIG)) expect(cfg.offline.k).toBeGreaterThanOrEqual(cfg.k);
  });
});
