import { largePdf } from '@classchat/testkit';
import { parseDocument } from './src/ingest/parse.js';
import { chunkDocument } from './src/ingest/chunker.js';
const bytes = (await largePdf(300)).bytes;
for (let r = 0; r < 4; r++) { const p = await parseDocument('application/pdf', bytes, { maxPages: 5000 }); chunkDocument(p); }
