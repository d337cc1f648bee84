import { parseArgs } from 'node:util';
import { connect, createRepositories } from '@classchat/db';
import { createLogger } from '@classchat/service';
import { loadApiConfig, type ApiConfig } from '../config.js';
import { createIngestionService } from '../ingestion/ingestion.js';
import { createRagClient } from '../rag-client/rag-client.js';
import { changePlan, parsePlanArgs } from './plan.js';
import { AdminInputError, createProgressPrinter, reingest, type ReingestSelection } from './reingest.js';

/**
 * The operator's command line: `npm run admin -- <command> [options]`, with the api's configuration
 * (the same environment and `.env` as the api: DATABASE_URL, RAG_URL, DATA_DIR, INTERNAL_TOKEN).
 * Each command is an entry of `COMMANDS`; it gets its arguments and an `AdminEnv` and returns the
 * process's exit code.
 */

export interface AdminIo {
  env: Record<string, string | undefined>;
  out: (line: string) => void;
  err: (line: string) => void;
}

interface AdminCommand {
  usage: string;
  run(args: string[], io: AdminIo): Promise<number>;
}

const COMMANDS: Record<string, AdminCommand> = {
  reingest: {
    usage:
      'reingest (--all | --user <email> | <documentId>…) [--concurrency N]\n' +
      '    read finished documents again with the current ingestion (sections, clean text)',
    run: runReingest,
  },
  plan: {
    usage:
      'plan <email> <free|premium>\n' +
      "    set a user's plan (premium: unlimited chats); their open tabs update at once when the api\n" +
      '    runs at API_URL (default http://127.0.0.1:$PORT)',
    run: runPlan,
  },
};

export function usage(): string {
  return ['usage: npm run admin -- <command> [options]', '', 'commands:']
    .concat(Object.values(COMMANDS).map((c) => `  ${c.usage}`))
    .join('\n');
}

/** Runs one admin command; resolves to the exit code (0 ok, 1 something failed, 2 bad usage). */
export async function runAdmin(argv: readonly string[], io: AdminIo): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(name ? `unknown command: ${name}\n\n${usage()}` : usage());
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof AdminInputError || isUsageError(err)) {
      io.err(`${(err as Error).message}\n\n${usage()}`);
      return 2;
    }
    throw err;
  }
}

const isUsageError = (err: unknown) =>
  err instanceof TypeError && (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS') === true;

function reingestSelection(args: string[]): { selection: ReingestSelection; concurrency: number } {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      all: { type: 'boolean', default: false },
      user: { type: 'string' },
      concurrency: { type: 'string', default: '2' },
    },
  });
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) {
    throw new AdminInputError('--concurrency must be a whole number from 1 to 16');
  }
  const chosen = [values.all, values.user !== undefined, positionals.length > 0].filter(Boolean).length;
  if (chosen !== 1) throw new AdminInputError('choose exactly one of --all, --user <email> or document ids');
  const selection: ReingestSelection = values.all
    ? { all: true }
    : values.user !== undefined
      ? { email: values.user }
      : { ids: positionals };
  if ('ids' in selection) {
    const bad = selection.ids.filter((id) => !/^[0-9a-f-]{36}$/i.test(id));
    if (bad.length > 0) throw new AdminInputError(`not a document id: ${bad.join(', ')}`);
  }
  return { selection, concurrency };
}

async function runReingest(args: string[], io: AdminIo): Promise<number> {
  const { selection, concurrency } = reingestSelection(args);
  const config: ApiConfig = loadApiConfig(io.env);
  const logger = createLogger(io.env.LOG_LEVEL ?? 'warn', 'admin');
  const database = connect(config.DATABASE_URL, { max: concurrency + 2, applicationName: 'classchat-admin' });
  const rag = createRagClient({ baseUrl: config.RAG_URL, internalToken: config.INTERNAL_TOKEN, logger });
  const progress = createProgressPrinter(io.out);
  const repos = createRepositories(database.db);
  const ingestion = createIngestionService({ repos, rag, realtime: progress.notifier, logger, concurrency });
  try {
    const summary = await reingest({ repos, ingestion, progress, out: io.out }, selection);
    return summary.failed > 0 ? 1 : 0;
  } finally {
    await ingestion.close();
    rag.close();
    await database.close();
  }
}

async function runPlan(args: string[], io: AdminIo): Promise<number> {
  const change = parsePlanArgs(args);
  const config: ApiConfig = loadApiConfig(io.env);
  const database = connect(config.DATABASE_URL, { max: 1, applicationName: 'classchat-admin' });
  try {
    return await changePlan(
      {
        repos: createRepositories(database.db),
        apiUrl: io.env.API_URL ?? `http://127.0.0.1:${config.PORT}`,
        internalToken: config.INTERNAL_TOKEN,
        out: io.out,
        err: io.err,
      },
      change,
    );
  } finally {
    await database.close();
  }
}
