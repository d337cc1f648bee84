/**
 * Where the time before each first token went, from the `stages` of the api's and rag's
 * `stream_first_token` log lines (ms since the request reached that process): median and p95 of
 * every stage, per process, over the answers after the warm-up.
 *
 *   npm run first-token-stages -w bench                     # the last `npm run stream` run's logs
 *   npm run first-token-stages -w bench -- <dir> --skip=20  # logs in <dir>; the first 20 answers skipped
 *
 * The stream bench's warm-up asks 20 questions at once before its tiers, so `--skip` defaults to 20.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './procs.js';
import { fmt, percentile } from './stats.js';

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--')) ?? join(repoRoot, 'bench/output/stream');
const skip = Number(args.find((a) => a.startsWith('--skip='))?.slice('--skip='.length) ?? 20);

/** Each `stream_first_token` line's stages, in log order. */
function stagesOf(log: string): Record<string, number>[] {
  const out: Record<string, number>[] = [];
  for (const line of log.split('\n')) {
    if (!line.includes('"stream_first_token"')) continue;
    const { stages } = JSON.parse(line) as { stages?: Record<string, number> };
    if (stages) out.push(stages);
  }
  return out;
}

for (const service of ['api-1', 'rag-1']) {
  const path = join(dir, `${service}.log`);
  if (!existsSync(path)) continue;
  const rows = stagesOf(readFileSync(path, 'utf8')).slice(skip);
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = names.map((name) => {
    const values = rows.map((r) => r[name]).filter((v): v is number => v !== undefined);
    return `${name} ${fmt(percentile(values, 50))} (${fmt(percentile(values, 95))})`;
  });
  process.stdout.write(`${service}, ${rows.length} answers, median (p95) ms: ${cells.join(' | ')}\n`);
}
