export * from './schema.js';
export { connect, type ConnectOptions, type Database, type Db, type Schema } from './client.js';
export { DatabaseSetupError, explainMigrationError, migrate, MIGRATIONS_FOLDER } from './migrate.js';
export * from './errors.js';
export * from './repositories/index.js';
