/** The stream comparison's section of RESULTS.md, from the phases' figures. */
import { cpus } from 'node:os';
import type { PhaseFigures } from './phase.js';
import { fmt } from './stats.js';
import type { UpstreamSettings } from './stack.js';

const SERVER_ROLES = ['api', 'rag', 'peer'];
const OTHER_ROLES = ['db', 'upstream', 'redis', 'loadgen'];

const serverCpuS = (f: PhaseFigures) => SERVER_ROLES.reduce((sum, r) => sum + (f.cpuS[r] ?? 0), 0);
/** CPU µs per model token that reached a client: the path's own processes. */
export const usPerToken = (f: PhaseFigures) => (serverCpuS(f) / f.load.tokens) * 1e6;
const usPerTokenWithStores = (f: PhaseFigures) =>
  ((serverCpuS(f) + (f.cpuS.db ?? 0) + (f.cpuS.redis ?? 0)) / f.load.tokens) * 1e6;
const cores = (f: PhaseFigures, role: string) => (f.cpuS[role] ?? Number.NaN) / f.wallS;

function rssCell(f: PhaseFigures): string {
  return Object.entries(f.rss)
    .map(([role, r]) => `${role} ${r.series.map((v) => fmt(v, 0)).join('/')}`)
    .join('; ');
}

function row(f: PhaseFigures): string {
  const l = f.load;
  const server =
    f.path === 'product'
      ? `${fmt(cores(f, 'api'), 2)} / ${fmt(cores(f, 'rag'), 2)}`
      : fmt(cores(f, 'peer'), 2);
  const others = OTHER_ROLES.map((r) => (r in f.cpuS ? fmt(cores(f, r), 2) : '–')).join(' / ');
  return (
    `| ${f.path} | ${f.concurrency} | ${l.streams} | ${l.failed} | ${l.lostSeqs} / ${l.duplicateSeqs} | ${l.textMismatch} | ` +
    `${l.tokens} (${fmt(l.tokens / l.tokenEvents, 2)}) | ${fmt(l.steadyTokensPerS, 0)} | ${fmt(l.addedTtft.p50)} / ${fmt(l.addedTtft.p95)} | ` +
    `${fmt(l.relay.p50, 1)} / ${fmt(l.relay.p99, 1)} / ${fmt(l.relay.max, 0)} | ${server} | **${fmt(usPerToken(f))}** | ` +
    `${others} | ${rssCell(f)} |`
  );
}

const growth = (q: number[]) => `${fmt(((q[3]! - q[1]!) / q[1]!) * 100, 0)} %`;
const quarters = (q: number[]) => q.map((v) => fmt(v, 0)).join(' / ');

/** Memory per quarter of each product tier: what says whether it stays flat over a long run. */
function memoryRows(figures: PhaseFigures[]): string[] {
  return figures.flatMap((f) =>
    Object.entries(f.memory).map(
      ([role, m]) =>
        `| ${f.concurrency} | ${role} | ${quarters(m.live)} | ${quarters(m.rss)} | ${quarters(m.heapCommitted)} | ` +
        `${m.markCompacts} | ${growth(m.live)} / ${growth(m.rss)} |`,
    ),
  );
}

/** What one answer costs at the time-to-first-token tier: setup and settle dominate its few tokens. */
function perAnswerRows(figures: PhaseFigures[], streams: number): string[] {
  const perAnswer = (f: PhaseFigures, role: string) =>
    role in f.cpuS ? fmt(((f.cpuS[role] ?? 0) / f.load.streams) * 1000, 2) : '–';
  return figures
    .filter((f) => f.concurrency === streams)
    .map(
      (f) =>
        `| ${f.path} | ${f.load.streams} | ${fmt(f.load.addedTtft.p50)} / ${fmt(f.load.addedTtft.p95)} / ${fmt(f.load.addedTtft.max)} | ` +
        `${['api', 'rag', 'peer', 'db'].map((r) => perAnswer(f, r)).join(' | ')} |`,
    );
}

function ratioRows(figures: PhaseFigures[], tiers: number[]): string[] {
  const at = (path: string, n: number) => figures.find((f) => f.path === path && f.concurrency === n);
  const ratio = (a?: PhaseFigures, b?: PhaseFigures) =>
    a && b ? `${fmt(usPerToken(a) / usPerToken(b), 2)}×` : '–';
  return tiers.map(
    (n) =>
      `| ${n} | ${ratio(at('product', n), at('ai-sdk', n))} | ${ratio(at('product', n), at('node-http', n))} | ` +
      `${ratio(at('ai-sdk', n), at('node-http', n))} |`,
  );
}

function sizingRows(figures: PhaseFigures[]): string[] {
  return figures
    .filter((f) => f.path === 'product')
    .map((f) => {
      const p = f.load.probes;
      const probes = p.tried
        ? `${p.refused409} of ${p.tried}; ${p.afterEnd} after the first had ended; ${p.other.length} else` +
          (p.other.length ? ` (${p.other.slice(0, 2).join('; ')})` : '')
        : '–';
      return (
        `| ${f.concurrency} | ${fmt(f.load.steadyTokensPerS, 0)} | ${fmt(1e6 / usPerToken(f), 0)} | ` +
        `${fmt(1e6 / usPerTokenWithStores(f), 0)} | ${fmt(f.load.relay.p99, 1)} | ${f.load.lostSeqs} / ${f.load.duplicateSeqs} / ${f.load.textMismatch} | ${probes} |`
      );
    });
}

export interface ReportInput {
  started: Date;
  load: [number[], number[]];
  pairs: number;
  redis: boolean;
  upstream: UpstreamSettings;
  /** At this many streams the upstream answers in `answerTokens` tokens (the time-to-first-token tier). */
  firstTokenTier: { streams: number; answerTokens: number };
  wavesAt: (n: number) => number;
  argv: string[];
  figures: PhaseFigures[];
  /** From the apis' logs over the whole run (warm-up included). */
  sessions: { answers: number; sessions: number; overlapping: number } | null;
}

const tiersOf = (figures: PhaseFigures[]) => [...new Set(figures.map((f) => f.concurrency))];

/** The title, the command, and what the run was: machine, set-up, upstream, how each figure is read. */
function setupSection(input: ReportInput): string {
  const { upstream } = input;
  const tiers = tiersOf(input.figures);
  const loads = input.load.map((l) => l.map((x) => x.toFixed(1)).join(' / '));
  return `
## Stream path against its peers — \`bench/stream/compare.ts\` (${input.started.toISOString()})

\`\`\`bash
npm run stream -w bench${input.argv.length ? ` -- ${input.argv.join(' ')}` : ''}
\`\`\`

Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load average ${loads[0]} at the start,
${loads[1]} at the end (1 / 5 / 15 min; the machine is shared with other work, so timings are noisy: CPU per token is the figure to compare).
Setup: ${input.pairs} api + rag pair(s)${input.redis ? ' sharing one Redis' : ', no Redis'} and the embedded database; ${input.pairs > 1 ? 'clients spread over the apis, every other stream started through an api the socket is not on' : 'the peers'}; the fake upstream
(first token after ${upstream.firstTokenDelayMs} ms, then ${1000 / upstream.tokenDelayMs} tokens/s, ${upstream.answerTokens}-token answers) and the load generator, each its own process.
${tiers.includes(input.firstTokenTier.streams) ? `At ${input.firstTokenTier.streams} stream (the added time to first token) the answers are ${input.firstTokenTier.answerTokens} tokens.\n` : ''}Client starts spread over one stream's length; each client runs ${tiers.map((n) => `${input.wavesAt(n)} at ${n}`).join(', ')} streams back to back.
CPU µs per token = CPU of the path's processes (api + rag, or the peer) / model tokens that reached a client.
Relay lag = each model token's upstream write → the client event that carried it. Lost / duplicated = seqs skipped / seen twice at the client;
"text ≠ upstream" = streams whose received text differs from what the upstream sent. Tokens/s over the middle half of the run.

| path | streams at once | streams | failed | lost / duplicated seqs | text ≠ upstream | model tokens (per client event) | tokens/s | added TTFT p50 / p95 ms | relay lag p50 / p99 / max ms | CPU cores: api / rag, or peer | CPU µs per token | db / upstream / redis / loadgen cores | RSS MB at 0/25/50/75/100 % |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${input.figures.map(row).join('\n')}

`;
}

function memorySection(figures: PhaseFigures[]): string {
  if (!figures.some((f) => Object.keys(f.memory).length)) return '';
  return `
Memory of the product's processes per quarter of each tier, MB (summed over pairs): live heap = the lowest heap used
right after a mark-compact in the quarter (NaN: none in it); RSS and the V8 heap's committed pages at the quarter's end.
Flat = after the first quarter (warm-up), the live heap grows less than 10 % from the second quarter to the last. RSS follows
V8's old-generation limit (up to ~4 × the live heap between mark-compacts), so it rises until that limit is reached: a longer
run (\`--waves=80\`) shows whether it then levels off.

| streams at once | process | live heap after GC, quarters 1–4 | RSS, quarters 1–4 | V8 heap committed, quarters 1–4 | mark-compacts | growth Q2 → Q4: live heap / RSS |
| --- | --- | --- | --- | --- | --- | --- |
${memoryRows(figures).join('\n')}
`;
}

function firstTokenSection({ figures, firstTokenTier }: ReportInput): string {
  if (!tiersOf(figures).includes(firstTokenTier.streams)) return '';
  return `
At ${firstTokenTier.streams} stream: added time to first token, and CPU per answer (${firstTokenTier.answerTokens} tokens):

| path | answers | added TTFT p50 / p95 / max ms | api CPU ms | rag CPU ms | peer CPU ms | db CPU ms |
| --- | --- | --- | --- | --- | --- | --- |
${perAnswerRows(figures, firstTokenTier.streams).join('\n')}
`;
}

/** The ratios between paths, the product's throughput per core, one running answer per session, failures. */
function comparisonSection(input: ReportInput): string {
  const { figures } = input;
  const errors = figures.flatMap((f) => f.load.errors.map((e) => `- ${f.path} at ${f.concurrency}: ${e}`));
  const sessions = input.sessions
    ? `\nOne running answer per session, from the apis' logs over the whole run: ${input.sessions.answers} answers in ` +
      `${input.sessions.sessions} sessions; sessions where one answer started while another ran: **${input.sessions.overlapping}**.\n`
    : '';
  return `
CPU per token, ratios:

| streams at once | product / ai-sdk | product / node-http | ai-sdk / node-http |
| --- | --- | --- | --- |
${ratioRows(figures, tiersOf(figures)).join('\n')}

The product's throughput per core (${input.pairs} pair(s)):

| streams at once | tokens/s | tokens/s per core (api + rag) | per core with db${input.redis ? ' + redis' : ''} | relay lag p99 ms | lost / duplicated / text ≠ upstream | second question while an answer runs: refused 409 of asked; answered after the first ended; anything else |
| --- | --- | --- | --- | --- | --- | --- |
${sizingRows(figures).join('\n')}
${sessions}${errors.length ? `\nFailures:\n${errors.join('\n')}\n` : ''}`;
}

export function report(input: ReportInput): string {
  return (
    setupSection(input) + memorySection(input.figures) + firstTokenSection(input) + comparisonSection(input)
  );
}
