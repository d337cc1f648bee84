import { deflateSync } from 'node:zlib';

/** A PDF from object bodies (object n = bodies[n-1]); object 1 must be the catalog. */
export function buildPdf(bodies: Array<string | Buffer | Array<string | Buffer>>): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (p: string | Buffer) => {
    const b = typeof p === 'string' ? Buffer.from(p, 'latin1') : p;
    parts.push(b);
    length += b.length;
  };
  push('%PDF-1.7\n');
  bodies.forEach((body, i) => {
    offsets[i + 1] = length;
    push(`${i + 1} 0 obj\n`);
    for (const p of Array.isArray(body) ? body : [body]) push(p);
    push('\nendobj\n');
  });
  const xref = length;
  push(`xref\n0 ${bodies.length + 1}\n0000000000 65535 f \n`);
  for (let n = 1; n <= bodies.length; n++) push(`${String(offsets[n]).padStart(10, '0')} 00000 n \n`);
  push(`trailer\n<< /Size ${bodies.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts);
}

export function stream(dict: string, content: Buffer | string): Array<string | Buffer> {
  const data = deflateSync(typeof content === 'string' ? Buffer.from(content, 'latin1') : content, {
    level: 9,
  });
  return [`<< ${dict} /Length ${data.length} /Filter /FlateDecode >>\nstream\n`, data, '\nendstream'];
}

const FONT = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
const page = (parent: number, contents: number, font: number) =>
  `<< /Type /Page /Parent ${parent} 0 R /MediaBox [0 0 612 792] /Contents ${contents} 0 R /Resources << /Font << /F1 ${font} 0 R >> >> >>`;

/** n tiny pages sharing one content stream. */
export function tinyPagesPdf(n: number): Buffer {
  const kids = Array.from({ length: n }, (_, i) => `${i + 5} 0 R`).join(' ');
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${kids}] /Count ${n} >>`,
    stream('', 'BT /F1 12 Tf 72 720 Td (tiny page of biology) Tj ET'),
    FONT,
    ...Array.from({ length: n }, () => page(2, 3, 4)),
  ]);
}

/** One real page, a /Count claiming `count`. */
export function countLiePdf(count: number): Buffer {
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [5 0 R] /Count ${count} >>`,
    stream('', 'BT /F1 12 Tf 72 720 Td (The mitochondrion makes ATP.) Tj ET'),
    FONT,
    page(2, 3, 4),
  ]);
}

/** One page with `items` separate text-showing operations. */
export function manyItemsPdf(items: number, word = 'cell'): Buffer {
  const ops: string[] = ['BT /F1 2 Tf'];
  for (let i = 0; i < items; i++) ops.push(`1 0 0 1 ${i % 300} ${i % 700} Tm (${word}) Tj`);
  ops.push('ET');
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [5 0 R] /Count 1 >>',
    stream('', ops.join('\n')),
    FONT,
    page(2, 3, 4),
  ]);
}

/** Outline items nested `depth` deep (each the only child of the previous). */
export function deepOutlinePdf(depth: number): Buffer {
  const first = 6;
  const items = Array.from({ length: depth }, (_, i) => {
    const n = first + i;
    const parent = i === 0 ? 5 : n - 1;
    const child = i + 1 < depth ? ` /First ${n + 1} 0 R /Last ${n + 1} 0 R /Count 1` : '';
    return `<< /Title (Chapter ${i}) /Parent ${parent} 0 R /Dest [4 0 R /Fit]${child} >>`;
  });
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R /Outlines 5 0 R >>',
    '<< /Type /Pages /Kids [4 0 R] /Count 1 >>',
    stream('', 'BT /F1 12 Tf 72 720 Td (The mitochondrion makes ATP.) Tj ET'),
    page(2, 3, 7 + depth),
    `<< /Type /Outlines /First ${first} 0 R /Last ${first} 0 R /Count ${depth} >>`,
    ...items,
    FONT,
  ]);
}

/** A page whose resources hold an array nested `depth` deep. */
export function deepArrayPdf(depth: number): Buffer {
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [5 0 R] /Count 1 >>',
    stream('', 'BT /F1 12 Tf 72 720 Td (The mitochondrion makes ATP.) Tj ET'),
    FONT,
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> /X ${'['.repeat(depth)}${']'.repeat(depth)} >> >>`,
  ]);
}

/** Pages tree whose Kids contain itself; an outline whose Next points back at itself. */
export function circularPdf(): Buffer {
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R /Outlines 6 0 R >>',
    '<< /Type /Pages /Kids [2 0 R 5 0 R] /Count 2 >>',
    stream('', 'BT /F1 12 Tf 72 720 Td (The mitochondrion makes ATP.) Tj ET'),
    FONT,
    page(2, 3, 4),
    '<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>',
    '<< /Title (Loop) /Parent 6 0 R /Next 7 0 R /Prev 7 0 R /First 7 0 R /Dest [5 0 R /Fit] >>',
  ]);
}

/** A page using an embedded TrueType font of `bytes` zeros (deflated), and an image of w×h. */
export function hugeFontAndImagePdf(fontBytes: number, side: number): Buffer {
  return buildPdf([
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
