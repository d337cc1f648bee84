/**
 * Full example answers without a model, for bench/RESULTS.md: real Debian manuals (the grounding
 * benchmark's corpus, bench/corpus/debian-docs.ts) ingested by rag's real pipeline, then one question
 * per kind of answer asked through rag's HTTP API, each printed verbatim (Markdown, citations, and the
 * quiz or study guide payload).
 *
 *   node --conditions=@classchat/source --import tsx bench/offline/examples.ts [--out bench/output/offline-examples.md]
 *   [--question 'gnustd:Why should…?' …]
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { SemanticSearchBody } from '@classchat/contracts';
import { connect, createRepositories } from '@classchat/db';
import { loadRagConfig, startRag } from '@classchat/rag';
import { startTestDatabase } from '@classchat/testkit';
import { fetchDebianPdfs } from '../corpus/debian-docs.js';
import { ragHttp } from '../lib/rag-http.js';
import { storePdf } from '../lib/store-pdf.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(root, 'bench/output/offline-examples.md') },
    // `--question gnustd:'Why…?'` (repeatable): these questions instead of the examples below.
    question: { type: 'string', multiple: true },
  },
});
const TOKEN = 'bench-offline-examples';
const log = (line: string) => console.error(line);

/** [file id, question]: a how-to, a definition, a how-to with code, a summary, a study guide, a quiz. */
const EXAMPLES: Array<[string | null, string]> = [
  ['gnustd', 'What should the version option of a program print?'],
  ['pari', 'What is a polmod?'],
  ['pari', 'How do I write my own function in GP?'],
  ['gnustd', 'Summarize this document'],
  ['pari', 'Make me a study guide'],
  ['pari', 'Quiz me on matrices'],
];

const asked: Array<[string | null, string]> | null = values.question
  ? values.question.map((q) => {
      const at = q.indexOf(':');
      return [q.slice(0, at), q.slice(at + 1)];
    })
  : null;

const files = (await fetchDebianPdfs({ log })).filter((f) => ['gnustd', 'pari'].includes(f.spec.id));
const database = await startTestDatabase();
const db = connect(database.url, { max: 2 });
const repos = createRepositories(db.db);
const dataDir = mkdtempSync(join(tmpdir(), 'cc-offline-examples-'));
mkdirSync(join(dataDir, 'files'), { recursive: true });
const rag = await startRag(
  loadRagConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    INTERNAL_TOKEN: TOKEN,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    OFFLINE_TOKEN_DELAY_MS: '0',
  }),
);
const http = ragHttp(rag.url, TOKEN);
try {
  const user = await repos.users.create({
    email: `ex-${randomUUID()}@example.edu`,
    name: 'Ex',
    passwordHash: 'x',
  });
  const cls = await repos.classes.create(user.id, 'Manuals');
  const docIds = new Map<string, string>();
  for (const f of files) {
    const { id } = await storePdf(repos, join(dataDir, 'files'), {
      userId: user.id,
      classId: cls.id,
      fileName: f.spec.fileName,
      bytes: f.bytes,
    });
    await http.ingest(id, user.id);
    docIds.set(f.spec.id, id);
  }
  const out: string[] = [];
  for (const [file, question] of asked ?? EXAMPLES) {
    const body: SemanticSearchBody = {
      user_id: user.id,
      class_name: cls.id,
      doc_id: file ? docIds.get(file)! : null,
      user_query: question,
    };
    const t0 = performance.now();
    const answer = await http.ask(body);
    const ms = Math.round(performance.now() - t0);
    const scope = file ? files.find((f) => f.spec.id === file)!.spec.fileName : 'the class';
    const citations = answer.citations
      .map(
        (c) =>
          `${c.n}. ${c.fileName} p. ${c.page} [${c.charStart}–${c.charEnd}]${c.sectionPath ? ` ${c.sectionPath.join(' › ')}` : ''}`,
      )
      .join('\n');
    out.push(
      `#### “${question}” (${scope}) → route \`${answer.route}\`, ${answer.citations.length} citations, ${ms} ms\n\n` +
        `\`\`\`\`markdown\n${answer.message}\n\`\`\`\`\n\n<details><summary>citations</summary>\n\n\`\`\`\n${citations}\n\`\`\`\n\n</details>\n` +
        (answer.study
          ? `\n<details><summary>structured ${answer.study.kind}</summary>\n\n\`\`\`json\n${JSON.stringify(answer.study, null, 2)}\n\`\`\`\n\n</details>\n`
          : ''),
    );
    log(`${question}: ${answer.route}, ${ms} ms`);
  }
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, out.join('\n'));
  log(`wrote ${values.out}`);
} finally {
  await rag.stop();
  await db.close();
  await database.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
