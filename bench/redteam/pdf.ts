import { deflateSync } from 'node:zlib';
import { HELVETICA, rawPdf, textPage } from '@classchat/testkit';

/** A FlateDecode stream object of `content` with the dictionary entries `dict`. */
export function stream(dict: string, content: Buffer | string): Array<string | Buffer> {
  const data = deflateSync(typeof content === 'string' ? Buffer.from(content, 'latin1') : content, {
    level: 9,
  });
  return [`<< ${dict} /Length ${data.length} /Filter /FlateDecode >>\nstream\n`, data, '\nendstream'];
}

/** n tiny pages sharing one content stream. */
export function tinyPagesPdf(n: number): Buffer {
  const kids = Array.from({ length: n }, (_, i) => `${i + 5} 0 R`).join(' ');
  return rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${kids}] /Count ${n} >>`,
    stream('', 'BT /F1 12 Tf 72 720 Td (tiny page of biology) Tj ET'),
    HELVETICA,
    ...Array.from({ length: n }, () => textPage(2, 3, 4)),
  ]);
}

/** One real page, a /Count claiming `count`. */
export function countLiePdf(count: number): Buffer {
  return rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [5 0 R] /Count ${count} >>`,
    stream('', 'BT /F1 12 Tf 72 720 Td (The mitochondrion makes ATP.) Tj ET'),
    HELVETICA,
    textPage(2, 3, 4),
  ]);
}

/** One page with `items` separate text-showing operations. */
export function manyItemsPdf(items: number, word = 'cell'): Buffer {
  const ops: string[] = ['BT /F1 2 Tf'];
  for (let i = 0; i < items; i++) ops.push(`1 0 0 1 ${i % 300} ${i % 700} Tm (${word}) Tj`);
  ops.push('ET');
  return rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [5 0 R] /Count 1 >>',
    stream('', ops.join('\n')),
    HELVETICA,
    textPage(2, 3, 4),
  ]);
}

/** A page whose resources hold an array nested `depth` deep. */
export function deepArrayPdf(depth: number): Buffer {
  return rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [5 0 R] /Count 1 >>',
    stream('', 'BT /F1 12 Tf 72 720 Td (The mitochondrion makes ATP.) Tj ET'),
    HELVETICA,
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> /X ${'['.repeat(depth)}${']'.repeat(depth)} >> >>`,
  ]);
}

/** Pages tree whose Kids contain itself; an outline whose Next points back at itself. */
export function circularPdf(): Buffer {
  return rawPdf([
    '<< /Type /Catalog /Pages 2 0 R /Outlines 6 0 R >>',
    '<< /Type /Pages /Kids [2 0 R 5 0 R] /Count 2 >>',
    stream('', 'BT /F1 12 Tf 72 720 Td (The mitochondrion makes ATP.) Tj ET'),
    HELVETICA,
    textPage(2, 3, 4),
    '<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>',
    '<< /Title (Loop) /Parent 6 0 R /Next 7 0 R /Prev 7 0 R /First 7 0 R /Dest [5 0 R /Fit] >>',
  ]);
}

/** A page using an embedded TrueType font of `bytes` zeros (deflated), and an image of w×h. */
export function hugeFontAndImagePdf(fontBytes: number, side: number): Buffer {
  return rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [5 0 R] /Count 1 >>',
    stream('', 'BT /F1 12 Tf 72 720 Td (The mitochondrion makes ATP.) Tj ET q 500 0 0 500 0 0 cm /Im1 Do Q'),
    `<< /Type /Font /Subtype /TrueType /BaseFont /Evil /FirstChar 32 /LastChar 126 /Widths [${Array(95).fill(500).join(' ')}] /FontDescriptor 6 0 R >>`,
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> /XObject << /Im1 7 0 R >> >> >>',
    '<< /Type /FontDescriptor /FontName /Evil /Flags 32 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 /FontFile2 8 0 R >>',
    stream(
      `/Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceRGB /BitsPerComponent 8`,
      Buffer.alloc(side * side * 3),
    ),
    stream(`/Length1 ${fontBytes}`, Buffer.alloc(fontBytes)),
  ]);
}
