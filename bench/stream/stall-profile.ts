/**
 * What a process ran during its event-loop stalls: a CPU profile of it (`compare.ts --profile --loops`)
 * laid over its stalls (`loop-monitor.ts`). Each profile sample goes to the innermost frame of the
 * project's own code on its stack (else the package, else V8's own kind: GC, program, idle), and
 * the shares inside stalls are printed beside the shares over the whole run.
 *
 *   node --conditions=@classchat/source --import tsx bench/stream/stall-profile.ts <profile dir> <loop log>
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fmt } from './stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

function label(node: ProfileNode, parents: Map<number, ProfileNode>): string {
  let packageName: string | null = null;
  for (let n: ProfileNode | undefined = node; n; n = parents.get(n.id)) {
    const { url, functionName } = n.callFrame;
    const own = /\/(apps|packages)\/([^/]+)\/src\/(.+)$/.exec(url);
    if (own && !url.includes('node_modules')) return `${own[2]}/${own[3]}:${functionName || '(anon)'}`;
    const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    packageName ??= dep ? dep[1]! : url.startsWith('node:') ? url : null;
  }
  return packageName ?? node.callFrame.functionName;
}

function largestProfile(dir: string): Profile {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f));
  // The main thread's profile is the large one (the tsx loader's worker writes a small one too).
  const main = files.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  return JSON.parse(readFileSync(main, 'utf8')) as Profile;
}

const [dir, loopLog] = process.argv.slice(2) as [string, string];
const profile = largestProfile(dir);
const lines = readFileSync(loopLog, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Record<string, number | string>);
const clock = lines.find((l) => l.kind === 'clock') as { monoMs: number; epoch: number };
const stalls = lines
  .filter((l) => l.kind === 'stall')
  .map((l) => [l.t0 as number, l.t1 as number] as const)
  .sort((a, b) => a[0] - b[0]);
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parents = new Map<number, ProfileNode>();
for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n);
const labels = new Map<number, string>();
const inStall = new Map<string, number>();
const overall = new Map<string, number>();
let t = profile.startTime;
let k = 0;
let stallSamples = 0;
profile.samples.forEach((id, i) => {
  t += profile.timeDeltas[i]!;
  const at = clock.epoch + (t / 1000 - clock.monoMs);
  while (k < stalls.length && stalls[k]![1] < at) k++;
  const name = labels.get(id) ?? label(nodes.get(id)!, parents);
  labels.set(id, name);
  overall.set(name, (overall.get(name) ?? 0) + 1);
  if (k < stalls.length && stalls[k]![0] <= at) {
    stallSamples++;
    inStall.set(name, (inStall.get(name) ?? 0) + 1);
  }
});
const total = profile.samples.length;
process.stdout.write(`${stalls.length} stalls; ${stallSamples} of ${total} samples inside one\n\n`);
process.stdout.write(
  '| where (innermost own frame, else package) | share inside stalls | share overall |\n| --- | --- | --- |\n',
);
for (const [name, n] of [...inStall].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  process.stdout.write(
    `| ${name} | ${fmt((n / stallSamples) * 100, 1)} % | ${fmt(((overall.get(name) ?? 0) / total) * 100, 1)} % |\n`,
  );
}
