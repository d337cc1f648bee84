import { DatabaseSetupError } from '@classchat/db';
import { createLogger, exitOnSignals, logUnhandledRejections } from '@classchat/service';
import { loadApiConfig } from './config.js';
import { startApi } from './server.js';

const config = (() => {
  try {
    return loadApiConfig();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
})();
const logger = createLogger(config.LOG_LEVEL, 'api', { buffered: true });
logUnhandledRejections(logger);
const api = await startApi(config, { logger }).catch((err: unknown) => {
  // What only the database's administrator can fix is said plainly, without a stack trace.
  if (!(err instanceof DatabaseSetupError)) throw err;
  console.error(err.message);
  process.exit(1);
});
exitOnSignals(logger, () => api.stop());
