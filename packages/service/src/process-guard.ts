import type { Logger } from 'pino';

/**
 * Log a promise rejection nobody handled instead of letting Node end the process on it (its
 * default). Such a rejection is a dropped error from one piece of work, for instance a library's
 * fire-and-forget call to a dependency that is down; every other request, stream and ingestion the
 * process is running would die with it. Uncaught exceptions still end the process: a throw that
 * unwound a stack can leave state half-updated.
 */
export function logUnhandledRejections(logger: Pick<Logger, 'error'>): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection (logged; the process keeps running)');
  });
}
