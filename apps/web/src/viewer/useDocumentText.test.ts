import { describe, expect, it } from 'vitest';
import { documentText } from './useDocumentText.js';

describe('the text a text document is shown as', () => {
  it('is the stored text less its stray NUL bytes, as rag read it, so passage offsets land on it', async () => {
    const stored = new TextEncoder().encode('The ribosome\u0000 makes protein.\u0000\n');
    expect(await documentText(stored.buffer, 'text')).toBe('The ribosome makes protein.\n');
  });
});
