import { existsSync } from 'node:fs';
import { runAdmin } from './cli.js';

// The operator's shell, like `npm start`: settings from `.env` in the working directory.
if (existsSync('.env')) process.loadEnvFile('.env');
try {
  process.exitCode = await runAdmin(process.argv.slice(2), {
    env: process.env,
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
} catch (err) {
  // Configuration errors and unreachable services: their message says what to fix.
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
