import { describe, expect, it } from 'vitest';
import { DOC_ID } from '../test/fakeSocket.js';
import { documentDto } from '../test/dtos.js';
import { applyDocumentEvent, statusSummary, withLiveStatus, type LiveStatuses } from './documentStatus.js';

const doc = documentDto({ fileName: 'Lecture.pdf', byteSize: 1000, sha256: 'x' });

const progress = (stage: 'parsing' | 'embedding', p: number) =>
  ({
    type: 'processing-status',
    payload: { docId: DOC_ID, status: 'processing', stage, progress: p, error: null },
  }) as const;

describe('document live status', () => {
  it('shows the stage and progress while processing', () => {
    const live = applyDocumentEvent({}, progress('parsing', 0.4));
    expect(statusSummary(withLiveStatus(doc, live[DOC_ID]))).toBe('Reading pages · 40%');
  });

  it('never moves progress backwards', () => {
    const live = [progress('embedding', 0.7), progress('parsing', 0.5)].reduce<LiveStatuses>(
      applyDocumentEvent,
      {},
    );
    expect(live[DOC_ID]?.progress).toBe(0.7);
  });

  it('shows Ready · N pages · M passages indexed after document-ready, and a late progress event cannot undo it', () => {
    let live = applyDocumentEvent(
      {},
      { type: 'document-ready', payload: { docId: DOC_ID, pageCount: 12, chunkCount: 48 } },
    );
    live = applyDocumentEvent(live, progress('embedding', 0.9));
    expect(statusSummary(withLiveStatus(doc, live[DOC_ID]))).toBe('Ready · 12 pages · 48 passages indexed');
  });

  it('shows Failed with the reason', () => {
    const live = applyDocumentEvent(
      {},
      {
        type: 'processing-status',
        payload: {
          docId: DOC_ID,
          status: 'failed',
          stage: 'parsing',
          progress: 0.1,
          error: 'The PDF is encrypted',
        },
      },
    );
    expect(statusSummary(withLiveStatus(doc, live[DOC_ID]))).toBe('Failed — The PDF is encrypted');
  });

  it('uses the listed status when no event arrived', () => {
    expect(
      statusSummary(withLiveStatus({ ...doc, status: 'ready', pageCount: 1, chunkCount: 1 }, undefined)),
    ).toBe('Ready · 1 page · 1 passage indexed');
  });
});
