import type {
  DocumentDto,
  DocumentReadyPayload,
  DocumentStatus,
  IngestStage,
  ProcessingStatusPayload,
} from '@classchat/contracts';

/** What the socket has told us about one document since the page loaded. */
export interface LiveDocumentStatus {
  status: DocumentStatus;
  stage: IngestStage;
  progress: number;
  error: string | null;
  pageCount: number | null;
  chunkCount: number | null;
}

export type LiveStatuses = Readonly<Record<string, LiveDocumentStatus>>;

export type DocumentEvent =
  | { type: 'processing-status'; payload: ProcessingStatusPayload }
  | { type: 'document-ready'; payload: DocumentReadyPayload };

/**
 * Fold socket events into per-document live status. Progress never goes backwards, a `ready`
 * document stays ready (a late processing event cannot undo it), and events for documents not yet
 * listed are kept so they apply once the upload answer arrives.
 */
export function applyDocumentEvent(statuses: LiveStatuses, event: DocumentEvent): LiveStatuses {
  const id = event.payload.docId;
  const prev = statuses[id];
  if (event.type === 'document-ready') {
    return {
      ...statuses,
      [id]: {
        status: 'ready',
        stage: 'done',
        progress: 1,
        error: null,
        pageCount: event.payload.pageCount,
        chunkCount: event.payload.chunkCount,
      },
    };
  }
  const p = event.payload;
  if (prev?.status === 'ready') return statuses;
  return {
    ...statuses,
    [id]: {
      status: p.status,
      stage: p.stage,
      progress: Math.max(prev?.status === p.status ? prev.progress : 0, p.progress),
      error: p.error ?? null,
      pageCount: prev?.pageCount ?? null,
      chunkCount: prev?.chunkCount ?? null,
    },
  };
}

/** The document as listed, overlaid with whatever the socket reported since. */
export function withLiveStatus(doc: DocumentDto, live: LiveDocumentStatus | undefined): DocumentView {
  if (!live) {
    return {
      ...doc,
      stage: doc.status === 'ready' ? 'done' : doc.status === 'uploaded' ? 'queued' : null,
      progress: doc.status === 'ready' ? 1 : 0,
    };
  }
  // The list may already be newer than a stale live event (e.g. reloaded after ready).
  if (doc.status === 'ready' && live.status !== 'ready') return { ...doc, stage: 'done', progress: 1 };
  return {
    ...doc,
    status: live.status,
    error: live.error ?? doc.error,
    pageCount: live.pageCount ?? doc.pageCount,
    chunkCount: live.chunkCount ?? doc.chunkCount,
    stage: live.stage,
    progress: live.progress,
  };
}

export interface DocumentView extends DocumentDto {
  stage: IngestStage | null;
  progress: number;
}

const STAGE_LABELS: Record<IngestStage, string> = {
  queued: 'Waiting to start',
  parsing: 'Reading pages',
  chunking: 'Splitting into passages',
  embedding: 'Understanding content',
  indexing: 'Indexing',
  done: 'Finishing',
};

export function stageLabel(stage: IngestStage | null): string {
  return stage ? STAGE_LABELS[stage] : 'Processing';
}

/**
 * "Ready · 12 pages · 48 passages indexed", "Failed — reason", "Reading pages · 40%". A document is
 * searched in passages (what the rest of the app quotes and cites), so the status counts those, not
 * "chunks", a word a student does not use.
 */
export function statusSummary(doc: DocumentView): string {
  switch (doc.status) {
    case 'ready':
      return [
        'Ready',
        doc.pageCount === null ? null : plural(doc.pageCount, 'page'),
        doc.chunkCount === null ? null : `${plural(doc.chunkCount, 'passage')} indexed`,
      ]
        .filter(Boolean)
        .join(' · ');
    case 'failed':
      return `Failed — ${doc.error ?? 'the file could not be processed'}`;
    case 'uploaded':
    case 'processing':
      if (doc.stage === null && doc.progress === 0) return 'Processing…';
      return `${stageLabel(doc.stage)} · ${Math.round(doc.progress * 100)}%`;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
