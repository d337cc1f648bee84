import { CANCELLED, DEADLINE } from '../failures.js';

/**
 * Aborts `controller` with `CANCELLED` when the client goes away (`client` aborts, or already has)
 * and with `DEADLINE` after `maxDurationMs`. Returns the function that stops watching.
 */
export function watchAnswer(
  controller: AbortController,
  client: AbortSignal | undefined,
  maxDurationMs: number,
): () => void {
  const onClientGone = () => controller.abort(CANCELLED);
  if (client?.aborted) onClientGone();
  client?.addEventListener('abort', onClientGone, { once: true });
  const deadline = setTimeout(() => controller.abort(DEADLINE), maxDurationMs);
  return () => {
    clearTimeout(deadline);
    client?.removeEventListener('abort', onClientGone);
  };
}
