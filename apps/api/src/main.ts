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
const logger = createLogger(config.LOG_LEVEL, 'api');
logUnhandledRejections(logger);
const api = await startApi(config, { logger });
exitOnSignals(logger, () => api.stop());
