export * from './fake-openai/index.js';
export * from './fixtures/index.js';
export * from './db.js';
export * from './free-port.js';
export * from './redis-server/index.js';
export * from './seed.js';
export * from './stack.js';
