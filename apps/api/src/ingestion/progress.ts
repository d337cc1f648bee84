import type { IngestStage } from '@classchat/contracts';

/**
 * Overall progress (0..1) of one ingestion from rag's per-stage `done/total` events. Each stage owns a
 * slice of the bar (embedding is skipped when no embeddings endpoint is configured, and the bar jumps
 * over its slice); the tracker never lets the stage or the progress go backwards, even when rag
 * restarts from parsing after a retry or events arrive out of order. 1 is reserved for `ready`.
 */

export type WorkStage = Extract<IngestStage, 'parsing' | 'chunking' | 'embedding' | 'indexing'>;

export const STAGE_SPANS: Readonly<Record<WorkStage, readonly [number, number]>> = {
  parsing: [0.02, 0.5],
  chunking: [0.5, 0.55],
  embedding: [0.55, 0.85],
  indexing: [0.85, 0.98],
};

const STAGE_ORDER: readonly IngestStage[] = [
  'queued',
  'parsing',
  'chunking',
  'embedding',
  'indexing',
  'done',
];

/** The bar's position for `done` of `total` in `stage` (a total of 0 counts as finished). */
export function stageProgress(stage: WorkStage, done: number, total: number): number {
  const [from, to] = STAGE_SPANS[stage];
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  return from + (to - from) * fraction;
}

export interface ProgressState {
  stage: IngestStage;
  progress: number;
}

export class ProgressTracker {
  private state: ProgressState = { stage: 'queued', progress: 0 };

  get current(): ProgressState {
    return { ...this.state };
  }

  /** Applies a progress event; returns the new state, or null when it changed nothing. */
  update(stage: WorkStage, done: number, total: number): ProgressState | null {
    const progress = Math.max(this.state.progress, stageProgress(stage, done, total));
    const later =
      STAGE_ORDER.indexOf(stage) > STAGE_ORDER.indexOf(this.state.stage) ? stage : this.state.stage;
    if (progress === this.state.progress && later === this.state.stage) return null;
    this.state = { stage: later, progress };
    return this.current;
  }

  /** Ingestion finished: stage `done`, progress 1. */
  finish(): ProgressState {
    this.state = { stage: 'done', progress: 1 };
    return this.current;
  }
}

/** Whether a change is worth telling the user about (a new stage, or at least `step` more). */
export function isNotable(previous: ProgressState | null, next: ProgressState, step = 0.01): boolean {
  return (
    !previous ||
    previous.stage !== next.stage ||
    next.progress - previous.progress >= step - 1e-9 ||
    next.progress === 1
  );
}
