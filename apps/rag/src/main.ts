import { DatabaseSetupError } from '@classchat/db';
import { createLogger, exitOnSignals, logUnhandledRejections } from '@classchat/service';
import { loadRagConfig } from './config.js';
import { startRag } from './server.js';

const config = (() => {
  try {
    return loadRagConfig();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
})();
const logger = createLogger(config.LOG_LEVEL, 'rag', { buffered: true });
logUnhandledRejections(logger);
const rag = await startRag(config, { logger }).catch((err: unknown) => {
  // What only the database's administrator can fix is said plainly, without a stack trace.
  if (!(err instanceof DatabaseSetupError)) throw err;
  console.error(err.message);
  process.exit(1);
});
exitOnSignals(logger, () => rag.stop());
