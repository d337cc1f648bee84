/**
 * Sentences cut across blocks in the Debian manuals (bench/corpus), as rag's parser structures them
 * (see sentence-splits.ts for what counts). No database: only the parse, in this thread (the isolated
 * parser sends back chunks, not blocks).
 *
 *   node --conditions=@classchat/source --import tsx bench/ingest/splits-run.ts   # npm run sentence-splits -w bench
 *     [--examples 5] [--dump dir]    # --dump writes each manual's blocks, one per paragraph, to dir/<id>.txt
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
// Not exported by @classchat/rag: the in-thread parse, whose result keeps the blocks.
import { parseDocument } from '../../apps/rag/src/ingest/parse.js';
import { fetchDebianPdfs } from '../corpus/debian-docs.js';
import { countSplits, sentenceSplits } from './sentence-splits.js';

const { values } = parseArgs({
  options: {
    examples: { type: 'string', default: '5' },
    dump: { type: 'string' },
  },
});
const EXAMPLES = Number(values.examples);

const files = await fetchDebianPdfs();
const rows = [];
for (const file of files) {
  const doc = await parseDocument('application/pdf', file.bytes, { maxPages: 2000 });
  const splits = sentenceSplits(doc.blocks, doc.pageKinds);
  const counts = countSplits(splits);
  rows.push({ file: file.spec.id, blocks: doc.blocks.length, ...counts });
  console.log(`\n${file.spec.id}: ${doc.blocks.length} blocks`, counts);
  for (const kind of ['paragraph', 'inlineCode', 'afterCode'] as const) {
    for (const s of splits.filter((x) => x.kind === kind).slice(0, EXAMPLES)) {
      console.log(`  ${kind} p${s.page}: ${s.example}`);
    }
  }
  if (values.dump) {
    mkdirSync(values.dump, { recursive: true });
    const text = doc.blocks.map((b) => `[${b.kind} p${b.page}]\n${b.text}`).join('\n\n');
    writeFileSync(join(values.dump, `${file.spec.id}.txt`), text);
  }
}
const total = { paragraph: 0, inlineCode: 0, afterCode: 0 };
for (const r of rows) for (const k of Object.keys(total) as Array<keyof typeof total>) total[k] += r[k];
console.log('\nfile      blocks  paragraph  inlineCode  afterCode');
for (const r of rows) {
  console.log(
    `${r.file.padEnd(9)} ${String(r.blocks).padStart(6)}  ${String(r.paragraph).padStart(9)}  ${String(r.inlineCode).padStart(10)}  ${String(r.afterCode).padStart(9)}`,
  );
}
console.log(JSON.stringify({ rows, total }));
