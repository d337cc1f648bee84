import { describe, expect, it } from 'vitest';
import { wellFormed, wellFormedAnswer } from './well-formed.js';

describe('well-formed answers', () => {
  it('replaces a lone high or low surrogate and keeps whole characters', () => {
    expect(wellFormed('ok \uD83D')).toBe('ok \uFFFD');
    expect(wellFormed('\uDE00 ok')).toBe('\uFFFD ok');
    expect(wellFormed('smile \uD83D\uDE00 done')).toBe('smile \uD83D\uDE00 done');
    expect(wellFormed('\uDE00\uD83D')).toBe('\uFFFD\uFFFD');
  });

  it('cleans the content and every string of the citations', () => {
    const answer = wellFormedAnswer({
      content: 'Cells \uD83D',
      citations: [
        {
          n: 1,
          documentId: '00000000-0000-4000-8000-000000000001',
          fileName: 'notes\uDC00.pdf',
          page: 1,
          chunkId: '00000000-0000-4000-8000-000000000002',
          snippet: 'x',
          charStart: null,
          charEnd: null,
          href: '/x',
          sectionPath: ['Intro \uD800'],
        },
      ],
      chunkReferences: [],
      route: null,
      status: 'stopped',
      coverage: 'grounded',
      usage: null,
    });
    expect(answer.content).toBe('Cells \uFFFD');
    expect(JSON.stringify(answer.citations)).not.toMatch(/\\ud/i);
    expect(answer.citations[0]).toMatchObject({ fileName: 'notes\uFFFD.pdf', sectionPath: ['Intro \uFFFD'] });
    expect(answer.status).toBe('stopped');
  });
});
