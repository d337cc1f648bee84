import { docx, docxBomb } from '@classchat/testkit';
import { describe, expect, it } from 'vitest';
import { assertDocxUnpackedSize } from './docx-guard.js';
import { failureOf } from './ingest.test-helpers.js';
import { parseDocument } from './parse.js';

const MB = 1024 * 1024;
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' as const;

describe('DOCX unpacked size guard', () => {
  it('lets a normal document through', async () => {
    await expect(assertDocxUnpackedSize((await docx()).bytes, 1 * MB)).resolves.toBeUndefined();
  });

  it('refuses a document that unpacks beyond the limit, saying so', async () => {
    const bomb = await docxBomb({ unpackedBytes: 4 * MB });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const failure = await failureOf(assertDocxUnpackedSize(bomb, 1 * MB));
    expect(failure.reason).toBe('too_large');
    expect(failure.message).toBe(
      'This DOCX unpacks to more than 1 MB. Remove embedded media or split it into smaller files and upload them.',
    );
  });

  it('catches an entry whose header understates what it unpacks to', async () => {
    const bomb = await docxBomb({ unpackedBytes: 4 * MB, declaredBytes: 1024 });
    expect((await failureOf(assertDocxUnpackedSize(bomb, 1 * MB))).reason).toBe('damaged');
  });

  it('guards parsing: a lying bomb is reported as damaged before mammoth reads it', async () => {
    const bomb = await docxBomb({ unpackedBytes: 4 * MB, declaredBytes: 1024 });
    expect((await failureOf(parseDocument(DOCX, bomb, { maxPages: 10 }))).reason).toBe('damaged');
  });

  it('reports bytes that are not a zip as damaged', async () => {
    const failure = await failureOf(assertDocxUnpackedSize(new TextEncoder().encode('not a zip at all')));
    expect(failure.reason).toBe('damaged');
  });
});
