/**
 * The real-document section of the ingestion benchmark: the Debian manuals of bench/corpus through
 * rag's pipeline exactly as the generated PDF goes (runIngestPipeline, no embeddings, the embedded
 * database in this process), timed the same way, then the stored chunks and outline compared with
 * ground truth read from the PDFs (bench/corpus; see bench/RESULTS.md for the definitions).
 */
import type { OutlineEntry } from '@classchat/contracts';
import type { Database, Repositories } from '@classchat/db';
import { runIngestPipeline, type DocumentParser } from '@classchat/rag';
import { fetchDebianPdfs, type FetchedPdf } from '../corpus/debian-docs.js';
import { readPdfOutline, readPdfPages } from '../corpus/pdf-pages.js';
import { findRunningLines } from '../corpus/running-lines.js';
import { hyphenBreaks, tocPages } from '../corpus/structure.js';
import { storePdf } from '../lib/store-pdf.js';
import { chunkQuality, type ChunkQuality, type StoredChunk } from './quality.js';

export interface RealDocRow extends ChunkQuality {
  file: string;
  pages: number;
  /** Median wall time of one ingestion (parse, chunk, index; no embeddings), and of its stages. */
  totalMs: number;
  parseMs: number;
  chunkMs: number;
  indexMs: number;
  cpuMs: number;
  pagesPerSecond: number;
  pagesPerCpuSecond: number;
}

interface Deps {
  repos: Repositories;
  pool: Database['pool'];
  filesDir: string;
  /** rag's parser (worker threads), as the generated section uses it. */
  parser: DocumentParser;
  maxChunks: number;
  userId: string;
  runs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function measureRealDocuments(deps: Deps): Promise<RealDocRow[]> {
  const files = await fetchDebianPdfs();
  await ingestOnce(deps, files[0]!); // warm-up, in case this section runs alone
  const rows: RealDocRow[] = [];
  for (const file of files) {
    const runs = [];
    for (let i = 0; i < deps.runs; i++) runs.push(await ingestOnce(deps, file));
    const last = runs[runs.length - 1]!;
    const [chunks, outline] = await Promise.all([
      storedChunks(deps.pool, last.id),
      storedOutline(deps.pool, last.id),
    ]);
    const pages = await readPdfPages(file.bytes);
    const truth = {
      running: findRunningLines(pages),
      breaks: hyphenBreaks(pages),
      tocPages: tocPages(pages),
      outline: await readPdfOutline(file.bytes),
    };
    const totalMs = median(runs.map((r) => r.totalMs));
    const cpuMs = median(runs.map((r) => r.cpuMs));
    rows.push({
      file: file.spec.fileName,
      pages: last.pageCount,
      totalMs: Math.round(totalMs),
      parseMs: Math.round(median(runs.map((r) => r.timings.parsing))),
      chunkMs: Math.round(median(runs.map((r) => r.timings.chunking))),
      indexMs: Math.round(median(runs.map((r) => r.timings.indexing))),
      cpuMs: Math.round(cpuMs),
      pagesPerSecond: Math.round((last.pageCount / totalMs) * 1000),
      pagesPerCpuSecond: Math.round((last.pageCount / cpuMs) * 1000),
      ...chunkQuality(chunks, truth, outline),
    });
  }
  return rows;
}

async function ingestOnce(deps: Deps, file: FetchedPdf) {
  const doc = await storePdf(deps.repos, deps.filesDir, {
    userId: deps.userId,
    classId: null,
    fileName: file.spec.fileName,
    bytes: file.bytes,
  });
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await runIngestPipeline(doc, {
    repos: deps.repos,
    filesDir: deps.filesDir,
    parser: deps.parser,
    maxPages: 10_000,
    maxChunks: deps.maxChunks,
    embedder: null,
  });
  const totalMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    id: doc.id,
    pageCount: result.pageCount,
    timings: result.timings,
    totalMs,
    cpuMs: (used.user + used.system) / 1000,
  };
}

async function storedChunks(pool: Database['pool'], documentId: string): Promise<StoredChunk[]> {
  const { rows } = await pool.query<{
    text: string;
    page_start: number;
    page_end: number;
    section_path: string[] | null;
    page_kind: string;
  }>(
    'SELECT text, page_start, page_end, section_path, page_kind FROM chunks WHERE document_id = $1 ORDER BY chunk_index',
    [documentId],
  );
  return rows.map((r) => ({
    text: r.text,
    pageStart: r.page_start,
    pageEnd: r.page_end,
    sectionPath: r.section_path,
    pageKind: r.page_kind,
  }));
}

async function storedOutline(pool: Database['pool'], documentId: string): Promise<OutlineEntry[] | null> {
  const { rows } = await pool.query<{ outline: OutlineEntry[] | null }>(
    'SELECT outline FROM documents WHERE id = $1',
    [documentId],
  );
  return rows[0]?.outline ?? null;
}

const share = (n: number, d: number) => (d === 0 ? '–' : `${n}/${d} (${Math.round((100 * n) / d)}%)`);

export function printRealDocuments(rows: readonly RealDocRow[], runs: number): void {
  console.log(`\nReal documents (Debian manuals), median of ${runs} runs each, no embeddings\n`);
  console.log(
    '| file | pages | chunks | parse ms | chunk ms | index ms | total ms | cpu ms | pages/s | pages/CPU-s | chunks with a running header/footer/page number | hyphen-split words left | outline sections found | chunks with a section path | TOC-page chunks marked | marked elsewhere |',
  );
  console.log(
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of rows) {
    console.log(
      `| ${r.file} | ${r.pages} | ${r.chunks} | ${r.parseMs} | ${r.chunkMs} | ${r.indexMs} | ${r.totalMs} | ${r.cpuMs} | ${r.pagesPerSecond} | ${r.pagesPerCpuSecond} | ` +
        `${share(r.chunksWithRunningLine, r.chunks)} | ${share(r.hyphenBreaksLeft, r.hyphenBreaks)} | ` +
        `${r.outlineEntries === 0 ? 'no outline' : share(r.outlineFound, r.outlineEntries)} | ` +
        `${share(r.chunksWithSection, r.chunks)} | ` +
        `${r.tocPages === 0 ? 'no TOC page' : `${share(r.tocChunksMarked, r.chunksOnTocPages)} on ${r.tocPages} page(s)`} | ${r.markedElsewhere} |`,
    );
  }
  const pages = rows.reduce((s, r) => s + r.pages, 0);
  const ms = rows.reduce((s, r) => s + r.totalMs, 0);
  const cpu = rows.reduce((s, r) => s + r.cpuMs, 0);
  console.log(
    `\nAll ${rows.length} files: ${pages} pages, ${Math.round((pages / ms) * 1000)} pages/s, ${Math.round((pages / cpu) * 1000)} pages/CPU-s`,
  );
}
