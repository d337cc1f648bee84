import { expect } from 'vitest';
import { IngestFailure } from './errors.js';

/** The `IngestFailure` that `work` rejects with (the test fails if it resolves or throws anything else). */
export async function failureOf(work: Promise<unknown>): Promise<IngestFailure> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IngestFailure);
  return err as IngestFailure;
}
