/**
 * Why a grounding question's first citation is wrong: for each answerable question, the full-text
 * answer's citations beside the passages it was given and the full-text top ten (score, pages,
 * section), with the rank of the first chunk on a right page. The class is ingested once into a
 * database kept in `--db`; later runs reuse it, so a ranking change is measured in seconds (a change
 * to what is stored at ingestion needs a fresh `--db`).
 *
 *   node --conditions=@classchat/source --import tsx bench/grounding/explain.ts
 *   [--db .tmp/grounding-explain] [--only pari-intmod,asy-cast] [--top 10] [--quiet] [--set fresh]
 *
 * `--set fresh` explains the fresh set (questions-fresh.json on FRESH_DEBIAN_PDFS; use its own --db).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { connect, createRepositories, type ChunkScope } from '@classchat/db';
import { startEmbeddedDatabase } from '@classchat/db/embedded';
import { loadRagConfig, startRag } from '@classchat/rag';
import { DEBIAN_PDFS, FRESH_DEBIAN_PDFS, fetchDebianPdfs } from '../corpus/debian-docs.js';
import { ragHttp } from '../lib/rag-http.js';
import { storePdf } from '../lib/store-pdf.js';
import { FRESH_QUESTIONS_PATH, QUESTIONS_PATH, loadQuestions } from './questions.js';
import { scoreAnswer } from './score.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: join(process.env.TMPDIR ?? '.tmp', 'grounding-explain') },
    only: { type: 'string' },
    top: { type: 'string', default: '10' },
    quiet: { type: 'boolean', default: false },
    set: { type: 'string', default: 'original' },
  },
});
const root = resolve(values.db);
const top = Number(values.top);
const only = values.only ? new Set(values.only.split(',')) : null;
const INTERNAL_TOKEN = 'bench-explain';
const fresh = values.set === 'fresh';
const log = (line: string) => console.error(line);

interface Ingested {
  userId: string;
  classId: string;
  /** File name → corpus id. */
  files: Record<string, string>;
}

mkdirSync(join(root, 'files'), { recursive: true });
const database = await startEmbeddedDatabase({ dataDir: join(root, 'pg') });
const db = connect(database.url, { max: 2 });
const repos = createRepositories(db.db);
const rag = await startRag(
  loadRagConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    DATA_DIR: root,
    INTERNAL_TOKEN,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    OFFLINE_TOKEN_DELAY_MS: '0',
  }),
);
try {
  const http = ragHttp(rag.url, INTERNAL_TOKEN);
  const state = join(root, 'ingested.json');
  let ingested: Ingested;
  if (existsSync(state)) {
    ingested = JSON.parse(readFileSync(state, 'utf8')) as Ingested;
  } else {
    const files = await fetchDebianPdfs({ specs: fresh ? FRESH_DEBIAN_PDFS : DEBIAN_PDFS, log });
    const user = await repos.users.create({
      email: 'explain@bench.local',
      name: 'Explain',
      passwordHash: 'x',
    });
    const cls = await repos.classes.create(user.id, 'Manuals');
    for (const f of files) {
      const doc = await storePdf(repos, join(root, 'files'), {
        userId: user.id,
        classId: cls.id,
        fileName: f.spec.fileName,
        bytes: f.bytes,
      });
      const ready = await http.ingest(doc.id, user.id);
      log(`ingested ${f.spec.fileName}: ${ready.chunkCount} chunks`);
    }
    ingested = {
      userId: user.id,
      classId: cls.id,
      files: Object.fromEntries(files.map((f) => [f.spec.fileName, f.spec.id])),
    };
    writeFileSync(state, JSON.stringify(ingested));
  }
  const fileIds = new Map(Object.entries(ingested.files));
  const scope: ChunkScope = { userId: ingested.userId, classId: ingested.classId, documentId: null };
  const questions = loadQuestions(fresh ? FRESH_QUESTIONS_PATH : QUESTIONS_PATH);
  let any = 0;
  let first = 0;
  let snippet = 0;
  let topRight = 0;
  let wronglyNotCovered = 0;
  for (const q of questions.answerable) {
    if (only && !only.has(q.id)) continue;
    const response = await http.ask({
      user_id: ingested.userId,
      class_name: ingested.classId,
      user_query: q.question,
    });
    const s = scoreAnswer(q, response, fileIds);
    const right = (h: { fileName: string; pageStart: number; pageEnd: number }) =>
      fileIds.get(h.fileName) === q.file && q.pages.some((p) => p >= h.pageStart && p <= h.pageEnd);
    const found = await repos.chunks.fullTextSearch(scope, q.question, Math.max(top, 50));
    const rank = found.hits.findIndex(right) + 1;
    any += Number(s.anyCitation);
    first += Number(s.firstCitation);
    snippet += Number(s.snippet);
    wronglyNotCovered += Number(s.notCovered);
    topRight += Number(found.hits[0] !== undefined && right(found.hits[0]));
    if (values.quiet && s.firstCitation) continue;
    const cited = [...response.citations].sort((a, b) => a.n - b.n);
    console.log(
      `\n## ${q.id} ${s.anyCitation ? 'any' : '---'} ${s.firstCitation ? 'first' : '-----'} ${s.snippet ? 'snip' : '----'}` +
        `${s.notCovered ? ' NOT-COVERED' : ''}  want ${q.file}:${q.pages.join(',')}  raw-question rank ${rank || '>50'}`,
    );
    console.log(`   ${q.question}`);
    console.log(`   terms: ${found.terms.map((t) => `${t.term}(${t.idf.toFixed(2)})`).join(' ')}`);
    console.log(`   cited: ${cited.map((c) => `${fileIds.get(c.fileName)}:${c.page}`).join(' ')}`);
    console.log(
      `   given: ${response.chunkReferences
        .map(
          (c) =>
            `${right(c) ? '*' : ''}${fileIds.get(c.fileName)}:${c.pageStart}${c.pageEnd > c.pageStart ? `-${c.pageEnd}` : ''}`,
        )
        .join(' ')}`,
    );
    if (only) console.log(response.message.replace(/^/gm, '   | '));
    for (const h of found.hits.slice(0, top)) {
      const pages = `${h.pageStart}${h.pageEnd > h.pageStart ? `-${h.pageEnd}` : ''}`;
      const title = (h.sectionPath ?? []).at(-1) ?? '';
      console.log(
        `   ${right(h) ? '*' : ' '}${String(h.rank).padStart(2)} ${h.score.toFixed(2).padStart(6)} ${(fileIds.get(h.fileName) ?? h.fileName).padEnd(7)} ` +
          `p${pages.padEnd(6)} #${String(h.chunkIndex).padEnd(4)} ${h.tokenCount}t  [${title.slice(0, 50)}] ${h.text.slice(0, 70).replace(/\s+/g, ' ')}`,
      );
    }
  }
  const n = only ? only.size : questions.answerable.length;
  console.log(
    `\nany ${any}/${n}  first ${first}/${n}  snippet ${snippet}/${n}  wrongly not covered ${wronglyNotCovered}/${n}  raw top-1 right ${topRight}/${n}`,
  );
  if (!only) {
    let notCovered = 0;
    for (const q of questions.unanswerable) {
      const r = await http.ask({
        user_id: ingested.userId,
        class_name: ingested.classId,
        user_query: q.question,
      });
      if (r.coverage !== undefined && r.coverage !== 'grounded') notCovered += 1;
      else
        console.log(
          `   unanswerable answered: ${q.id} → ${r.citations.map((c) => `${fileIds.get(c.fileName)}:${c.page}`).join(' ')}`,
        );
    }
    console.log(`unanswerable → not covered ${notCovered}/${questions.unanswerable.length}`);
  }
} finally {
  await rag.stop();
  await db.close();
  await database.stop();
}
