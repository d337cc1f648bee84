export * from './logger.js';
export * from './http-logging.js';
export * from './validate.js';
export * from './error-middleware.js';
export * from './health.js';
export * from './lifecycle.js';
export * from './redis.js';
export * from './metrics.js';
