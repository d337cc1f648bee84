import { describe, expect, it } from 'vitest';
import { fileKind, MAX_UPLOAD_BYTES, validateUpload } from './uploadRules.js';

const file = (name: string, size = 1000) => ({ name, size });

describe('validateUpload', () => {
  it.each(['notes.pdf', 'Essay.DOCX', 'readme.md', 'plain.txt', 'guide.markdown'])('accepts %s', (name) => {
    expect(validateUpload(file(name))).toBeNull();
  });

  it.each(['slides.pptx', 'photo.png', 'archive.zip', 'old.doc'])(
    'rejects %s by type before upload',
    (name) => {
      expect(validateUpload(file(name))).toMatch(
        /not supported.*PDF, Word \(\.docx\), Markdown \(\.md\) or text \(\.txt\)/,
      );
    },
  );

  it('rejects a file without an extension', () => {
    expect(validateUpload(file('README'))).toMatch(/without an extension/);
  });

  it('rejects an empty file', () => {
    expect(validateUpload(file('empty.pdf', 0))).toBe('This file is empty.');
  });

  it('accepts a file exactly at the size limit and rejects one byte more, naming both sizes', () => {
    expect(validateUpload(file('big.pdf', MAX_UPLOAD_BYTES))).toBeNull();
    expect(validateUpload(file('big.pdf', MAX_UPLOAD_BYTES + 1))).toBe(
      'This file is 25 MB; the limit is 25 MB.',
    );
    expect(validateUpload(file('huge.pdf', 80 * 1024 * 1024))).toBe(
      'This file is 80 MB; the limit is 25 MB.',
    );
  });

  it('honours a custom limit', () => {
    expect(validateUpload(file('a.txt', 2048), 1024)).toBe('This file is 2.0 KB; the limit is 1.0 KB.');
  });
});

describe('fileKind', () => {
  it('prefers the MIME type the server detected', () => {
    expect(fileKind('scan', 'application/pdf')).toBe('pdf');
    expect(fileKind('x.md')).toBe('markdown');
    expect(fileKind('x.docx')).toBe('docx');
    expect(fileKind('x.txt', 'text/plain')).toBe('text');
  });
});
