import { describe, expect, it, vi } from 'vitest';
import { trimHistory, trimHistoryCounted } from './history.js';
import {
  buildPrompt,
  contextBlocks,
  estimatePromptTokens,
  fitInOrder,
  systemPrompt,
  thinEvenly,
  type ContextPassage,
} from './prompts.js';
import type * as tokens from './tokens.js';
import { countPromptTokens, countTokens } from './tokens.js';

// The real counter, watched: which texts a prompt tokenises.
vi.mock('./tokens.js', async (importOriginal) => {
  const real = await importOriginal<typeof tokens>();
  return { ...real, countTokens: vi.fn(real.countTokens) };
});

const passage = (page: number, text = `Text of page ${page}.`, pageEnd = page): ContextPassage => ({
  fileName: 'Cell Biology.pdf',
  pageStart: page,
  pageEnd,
  text,
});

describe('context blocks', () => {
  it('numbers passages [1]..[n] with document name and page', () => {
    const blocks = contextBlocks([
      passage(3, 'Glycolysis happens in the cytoplasm.'),
      passage(4, 'More.', 5),
    ]);
    expect(blocks).toContain('【1】 Cell Biology.pdf, page 3\nGlycolysis happens in the cytoplasm.');
    expect(blocks).toContain('【2】 Cell Biology.pdf, pages 4–5\nMore.');
  });

  it('names the section of a passage when it is known', () => {
    const blocks = contextBlocks([
      { ...passage(27, 'A data frame is a list.'), sectionPath: ['6 Lists', '6.3 Data frames'] },
    ]);
    expect(blocks).toContain('【1】 Cell Biology.pdf, page 27 — 6.3 Data frames\nA data frame is a list.');
  });

  it('says plainly when nothing matched', () => {
    expect(contextBlocks([])).toMatch(/none/i);
  });

  it('tells the model to answer only from the passages, cite 【n】 (never square brackets) and admit missing answers', () => {
    const prompt = systemPrompt('general_qa', [passage(1)]);
    expect(prompt).toMatch(/only from the passages/i);
    expect(prompt).toMatch(/【2】/);
    expect(prompt).toMatch(/Never use square brackets for citations/);
    expect(prompt).toMatch(/does not seem to\s+cover this/);
    expect(prompt).toMatch(/Never invent an answer, a quotation or a citation/);
  });

  it('has a task per route', () => {
    expect(systemPrompt('quote_finding', [])).toMatch(/verbatim/);
    expect(systemPrompt('summary', [])).toMatch(/beginning to end/);
    expect(systemPrompt('generate_study_guide', [])).toMatch(/Practice questions/);
    expect(systemPrompt('follow_up', [])).toMatch(/previous answer/);
  });
});

describe('history trimming', () => {
  const turn = (role: 'user' | 'assistant', words: number, tag: string) => ({
    role,
    content: `${tag} ${'word '.repeat(words)}`.trim(),
  });

  it('keeps everything within budget, in order', () => {
    const history = [turn('user', 5, 'q1'), turn('assistant', 5, 'a1')];
    expect(trimHistory(history, 1000)).toEqual(history);
  });

  it('keeps the newest turns and drops the oldest', () => {
    const history = [
      turn('user', 100, 'q1'),
      turn('assistant', 100, 'a1'),
      turn('user', 100, 'q2'),
      turn('assistant', 100, 'a2'),
    ];
    const kept = trimHistory(history, 250);
    expect(kept.map((m) => m.content.split(' ')[0])).toEqual(['q2', 'a2']);
    expect(countPromptTokens(kept)).toBeLessThanOrEqual(250 + 3);
  });

  it('keeps the end of a newest turn longer than the budget', () => {
    const kept = trimHistory([turn('assistant', 2000, 'start')], 100);
    expect(kept).toHaveLength(1);
    expect(kept[0]!.content.startsWith('…')).toBe(true);
    expect(countTokens(kept[0]!.content)).toBeLessThanOrEqual(100);
  });

  it('drops a trailing copy of the current question and empty turns', () => {
    const kept = trimHistory(
      [
        { role: 'user', content: 'What is ATP?' },
        { role: 'assistant', content: ' ' },
        { role: 'user', content: 'What is ATP?' },
      ],
      1000,
      'What is ATP?',
    );
    expect(kept).toEqual([{ role: 'user', content: 'What is ATP?' }]);
  });
});

const noHistory = trimHistoryCounted([], 100);

describe('prompt assembly', () => {
  it('sends system (with context), history, then the question', () => {
    const built = buildPrompt({
      route: 'general_qa',
      query: 'What is ATP?',
      history: trimHistoryCounted(
        [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'hello' },
        ],
        500,
      ),
      passages: [passage(2)],
    });
    expect(built.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(built.messages[0]!.content).toContain('【1】 Cell Biology.pdf, page 2');
    expect(built.messages.at(-1)!.content).toBe('What is ATP?');
    expect(built.promptTokens).toBe(countPromptTokens(built.messages));
  });

  it('counts the prompt tokens exactly for every route, with and without passages', () => {
    const routes = [
      'general_qa',
      'follow_up',
      'quote_finding',
      'generate_study_guide',
      'quiz',
      'summary',
    ] as const;
    for (const route of routes) {
      for (const passages of [[], [passage(2)], [passage(1, 'ATP synthase.\n\nIt turns.'), passage(3)]]) {
        for (const query of ['What is ATP?', '¿Qué es el ATP?', '  spaced\n\nquestion  ']) {
          const built = buildPrompt({ route, query, history: noHistory, passages });
          expect(built.promptTokens).toBe(countPromptTokens(built.messages));
        }
      }
    }
  });

  it('counts the prompt tokens exactly with a history kept whole, trimmed, or cut to its end', () => {
    const long = `start ${'word '.repeat(2000)}end`;
    const histories = [
      [
        { role: 'user' as const, content: 'What is ATP?' },
        { role: 'assistant' as const, content: 'A molecule【1】.' },
      ],
      [
        { role: 'user' as const, content: `q1 ${'word '.repeat(300)}` },
        { role: 'assistant' as const, content: `a1 ${'word '.repeat(300)}` },
        { role: 'user' as const, content: 'q2 short' },
      ],
      [{ role: 'assistant' as const, content: long }],
      [{ role: 'user' as const, content: 'Why?' }],
    ];
    for (const history of histories) {
      for (const passages of [[], [passage(2)]]) {
        const built = buildPrompt({
          route: 'follow_up',
          query: 'Why?',
          history: trimHistoryCounted(history, 400, 'Why?'),
          passages,
        });
        expect(built.promptTokens).toBe(countPromptTokens(built.messages));
      }
    }
  });

  it('counts the trimmed history with the tokens it was trimmed with, not tokenising its turns again', () => {
    const turns = [
      { role: 'user' as const, content: 'What is osmotic pressure?' },
      { role: 'assistant' as const, content: 'The pressure that stops water moving across a membrane【1】.' },
    ];
    const history = trimHistoryCounted(turns, 500, 'And in plants?');
    const input = { route: 'general_qa' as const, query: 'And in plants?', history };
    const counted = vi.mocked(countTokens);
    counted.mockClear();
    estimatePromptTokens({ ...input, contextTokens: 3500 });
    const built = buildPrompt({ ...input, passages: [passage(2)] });
    const promptTokens = built.promptTokens;
    expect(counted.mock.calls.filter(([text]) => turns.some((t) => t.content === text))).toEqual([]);
    expect(promptTokens).toBe(countPromptTokens(built.messages));
  });

  it('estimates an upper bound before retrieval', () => {
    const input = { route: 'general_qa' as const, query: 'Q?', history: noHistory };
    const full = buildPrompt({ ...input, passages: [passage(1, 'x '.repeat(200))] });
    expect(estimatePromptTokens({ ...input, contextTokens: 3500 })).toBeGreaterThan(full.promptTokens);
  });

  it('fits passages in order within a budget, always keeping the first', () => {
    const ps = [1, 2, 3, 4].map((p) => ({ ...passage(p), tokenCount: 100 }));
    expect(fitInOrder(ps, 250).map((p) => p.pageStart)).toEqual([1, 2]);
    expect(fitInOrder(ps, 10).map((p) => p.pageStart)).toEqual([1]);
  });

  it('thins a spread sample evenly, keeping first and last', () => {
    const ps = Array.from({ length: 10 }, (_, i) => ({ ...passage(i + 1), tokenCount: 100 }));
    const thin = thinEvenly(ps, 450);
    expect(thin.length).toBeLessThan(10);
    expect(thin[0]!.pageStart).toBe(1);
    expect(thin.at(-1)!.pageStart).toBe(10);
    expect(thinEvenly(ps, 10_000)).toHaveLength(10);
  });
});
