import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ChunkReference } from '@classchat/contracts';
import { buildHistory, sourceFromHeader, titleFromQuestion } from './history.js';

const ref: ChunkReference = {
  chunkId: randomUUID(),
  documentId: randomUUID(),
  fileName: 'bio.pdf',
  pageStart: 3,
  pageEnd: 4,
};

describe('buildHistory', () => {
  it("keeps order, roles, content and each answer's chunk references (follow-ups reuse them)", () => {
    const history = buildHistory([
      { role: 'user', content: 'What is osmosis?', chunkReferences: [] },
      { role: 'assistant', content: 'Osmosis is… [1]', chunkReferences: [ref] },
    ]);
    expect(history).toEqual([
      { role: 'user', content: 'What is osmosis?', chunkReferences: [] },
      { role: 'assistant', content: 'Osmosis is… [1]', chunkReferences: [ref] },
    ]);
  });

  it('drops empty messages and keeps only the last ones', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({
      role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
      content: i === 29 ? '  ' : `m${i}`,
      chunkReferences: [],
    }));
    const history = buildHistory(many, 4);
    expect(history.map((h) => h.content)).toEqual(['m25', 'm26', 'm27', 'm28']);
    expect(buildHistory(many, 0)).toEqual([]);
  });
});

describe('titleFromQuestion', () => {
  it('uses a short question as it is, on one line', () => {
    expect(titleFromQuestion('  What is\n osmosis?  ')).toBe('What is osmosis?');
  });

  it('cuts a long question at a word to about 60 characters', () => {
    const title = titleFromQuestion(
      'Explain the difference between mitosis and meiosis, including the phases, the chromosome counts and why it matters',
    );
    expect(title.length).toBeLessThanOrEqual(60);
    expect(title.endsWith('…')).toBe(true);
    expect(title).toBe('Explain the difference between mitosis and meiosis…');
  });

  it('cuts a long word hard and never returns an empty title', () => {
    expect(titleFromQuestion('x'.repeat(100))).toHaveLength(60);
    expect(titleFromQuestion('   ')).toBe('New chat');
  });
});

describe('sourceFromHeader', () => {
  it('marks the chrome extension; anything else is the main app', () => {
    expect(sourceFromHeader('chrome_extension')).toBe('chrome_extension');
    expect(sourceFromHeader('Chrome_Extension ')).toBe('chrome_extension');
    expect(sourceFromHeader(undefined)).toBe('main_app');
    expect(sourceFromHeader('web')).toBe('main_app');
  });
});
