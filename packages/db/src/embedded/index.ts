export { startEmbeddedDatabase, type EmbeddedDatabase, type EmbeddedDatabaseOptions } from './server.js';
export { DatabaseLockedError } from './lock.js';
export { seedDataDirFromTemplate, type TemplateKind } from './template.js';
