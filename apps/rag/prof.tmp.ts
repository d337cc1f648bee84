import { readFileSync } from 'node:fs';
import { getDocumentProxy } from 'unpdf';
import { largePdf } from '@classchat/testkit';
import { parseDocument } from './src/ingest/parse.js';
import { chunkDocument, chunkPages } from './src/ingest/chunker.js';
const file = process.argv[2];
const bytes = file ? readFileSync(file) : (await largePdf(300)).bytes;
async function rawOnly() {
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false });
  const pages: string[] = [];
  for (let p = 1; p <= pdf.numPages; p++) { const page = await pdf.getPage(p); const c = await page.getTextContent(); pages.push(c.items.map((i) => ('str' in i ? i.str + (i.hasEOL ? '\n' : '') : '')).join('')); page.cleanup(); }
  await pdf.destroy();
  return pages;
}
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (let r = 0; r < 3; r++) {
  let c0 = cpu(); const pages = await rawOnly(); const cRaw = cpu() - c0;
  c0 = cpu(); chunkPages(pages); const cOldChunk = cpu() - c0;
  c0 = cpu(); const parsed = await parseDocument('application/pdf', bytes, { maxPages: 5000 }); const cParse = cpu() - c0;
  c0 = cpu(); chunkDocument(parsed); const cChunk = cpu() - c0;
  console.log(JSON.stringify({ pages: pages.length, rawCpu: Math.round(cRaw), oldChunkCpu: Math.round(cOldChunk), newParseCpu: Math.round(cParse), newChunkCpu: Math.round(cChunk) }));
}
