import { setTimeout as delay } from 'node:timers/promises';
import type { DocumentReadyPayload, ProcessingStatusPayload } from '@classchat/contracts';
import type { DocumentRow, Repositories } from '@classchat/db';
import type { IngestionNotifier, IngestionService } from '../ingestion/ingestion.js';

/**
 * Reading finished documents again with the current ingestion (after it learned something new, such
 * as a document's sections): each one goes back to the queue and through rag's ingest as an upload
 * would, its old passages searchable until the new ones replace them. Progress is written as lines.
 */

export type ReingestSelection = { all: true } | { email: string } | { ids: string[] };

export interface ReingestDeps {
  repos: Pick<Repositories, 'documents' | 'users'>;
  /** An ingestion queue whose notifier is `progress.notifier` (see `createProgressPrinter`). */
  ingestion: Pick<IngestionService, 'enqueue' | 'idle'>;
  progress: ProgressPrinter;
  out: (line: string) => void;
  /** How often to look at a document another api process took over (default 1 s). */
  pollMs?: number;
}

export interface ReingestSummary {
  selected: number;
  ready: number;
  failed: number;
  /** Being ingested already, or deleted meanwhile. */
  skipped: number;
}

export class AdminInputError extends Error {
  override name = 'AdminInputError';
}

export async function reingest(deps: ReingestDeps, selection: ReingestSelection): Promise<ReingestSummary> {
  const docs = await selectDocuments(deps.repos, selection);
  const summary: ReingestSummary = { selected: docs.length, ready: 0, failed: 0, skipped: 0 };
  deps.out(`re-ingesting ${docs.length} document${docs.length === 1 ? '' : 's'}`);
  const queued: DocumentRow[] = [];
  for (const doc of docs) {
    const row = await deps.repos.documents.requeueForIngest(doc.id);
    if (!row) {
      summary.skipped++;
      deps.out(`skipped ${label(doc)}: being ingested already, or deleted`);
      continue;
    }
    deps.progress.track(row, queued.length + 1, docs.length);
    queued.push(row);
    deps.ingestion.enqueue({ documentId: row.id, userId: row.userId });
  }
  await deps.ingestion.idle();
  for (const doc of queued) {
    // Normally finished by this queue; a running api process may have taken it first: wait for it.
    const row = await settled(deps, doc);
    if (row?.status === 'ready') summary.ready++;
    else if (row?.status === 'failed') summary.failed++;
    else summary.skipped++;
    if (!deps.progress.reported(doc.id)) {
      deps.out(`${label(doc)}: ${row ? describe(row) : 'deleted meanwhile'}`);
    }
  }
  deps.out(
    `done: ${summary.ready} ready, ${summary.failed} failed, ${summary.skipped} skipped of ${summary.selected}`,
  );
  return summary;
}

async function selectDocuments(
  repos: ReingestDeps['repos'],
  selection: ReingestSelection,
): Promise<DocumentRow[]> {
  if ('ids' in selection) {
    const found = await repos.documents.listForReingest({ ids: selection.ids });
    const missing = selection.ids.filter((id) => !found.some((d) => d.id === id));
    if (missing.length > 0) {
      throw new AdminInputError(`no finished document with id ${missing.join(', ')}`);
    }
    return found;
  }
  if ('email' in selection) {
    const user = await repos.users.findByEmail(selection.email);
    if (!user) throw new AdminInputError(`no user with email ${selection.email}`);
    return repos.documents.listForReingest({ userId: user.id });
  }
  return repos.documents.listForReingest({});
}

async function settled(deps: ReingestDeps, doc: DocumentRow): Promise<DocumentRow | null> {
  for (;;) {
    const row = await deps.repos.documents.getForIngest(doc.id);
    if (!row || row.status === 'ready' || row.status === 'failed') return row;
    await delay(deps.pollMs ?? 1000);
  }
}

const label = (doc: Pick<DocumentRow, 'id' | 'fileName'>) => `${doc.fileName} (${doc.id})`;

function describe(row: DocumentRow): string {
  if (row.status === 'ready') return `ready: ${row.pageCount} pages, ${row.chunkCount} passages`;
  if (row.status === 'failed') return `failed: ${row.error ?? 'no reason given'}`;
  return row.status;
}

export interface ProgressPrinter {
  notifier: IngestionNotifier;
  /** Announces a queued document as number `n` of `total`. */
  track(doc: DocumentRow, n: number, total: number): void;
  /** Whether the document's outcome was printed (it finished in this queue). */
  reported(documentId: string): boolean;
}

/**
 * Prints a document's `processing-status` as lines: each stage once it starts and every quarter of
 * its progress, then the outcome ("[2/5] notes.pdf (…): ready: 12 pages, 30 passages").
 */
export function createProgressPrinter(out: (line: string) => void): ProgressPrinter {
  const docs = new Map<string, { prefix: string; stage: string; quarter: number; done: boolean }>();
  const status = (payload: ProcessingStatusPayload) => {
    const doc = docs.get(payload.docId);
    if (!doc || doc.done) return;
    if (payload.status === 'failed') {
      doc.done = true;
      out(`${doc.prefix}: failed: ${payload.error ?? 'no reason given'}`);
      return;
    }
    if (payload.status !== 'processing' || !payload.stage) return;
    const quarter = Math.floor(payload.progress * 4);
    if (payload.stage === doc.stage && quarter <= doc.quarter) return;
    doc.stage = payload.stage;
    doc.quarter = quarter;
    out(`${doc.prefix}: ${payload.stage} ${Math.round(payload.progress * 100)}%`);
  };
  const ready = (payload: DocumentReadyPayload) => {
    const doc = docs.get(payload.docId);
    if (!doc || doc.done) return;
    doc.done = true;
    out(`${doc.prefix}: ready: ${payload.pageCount} pages, ${payload.chunkCount} passages`);
  };
  const emitter = {
    emit(
      event: 'processing-status' | 'document-ready',
      payload: ProcessingStatusPayload | DocumentReadyPayload,
    ) {
      if (event === 'processing-status') status(payload as ProcessingStatusPayload);
      else ready(payload as DocumentReadyPayload);
      return true;
    },
  };
  return {
    notifier: { toUser: () => emitter },
    track(doc, n, total) {
      const prefix = `[${n}/${total}] ${label(doc)}`;
      docs.set(doc.id, { prefix, stage: '', quarter: -1, done: false });
      out(`${prefix}: queued`);
    },
    reported: (documentId) => docs.get(documentId)?.done ?? false,
  };
}
