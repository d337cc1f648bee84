// Separate process: polls the api's and rag's /healthz every 50 ms and samples the RSS of given pids,
// appending JSON lines to a file. Stops on SIGTERM or after `maxSeconds`.
import { appendFileSync, readFileSync } from 'node:fs';
const [out, apiUrl, ragUrl, pids, maxSeconds] = process.argv.slice(2);
const end = Date.now() + Number(maxSeconds) * 1000;
const write = (o) => appendFileSync(out, JSON.stringify(o) + '\n');
async function poll(name, url) {
  while (Date.now() < end) {
    const t0 = performance.now();
    let status = 0;
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
      status = res.status;
      await res.arrayBuffer();
    } catch {
      status = -1;
    }
    write({ t: Date.now(), kind: 'health', name, ms: Math.round(performance.now() - t0), status });
    await new Promise((r) => setTimeout(r, 50));
  }
}
function rss() {
  for (const pair of pids.split(',')) {
    const [name, pid] = pair.split(':');
    try {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1];
      write({ t: Date.now(), kind: 'rss', name, mb: Math.round(Number(kb) / 1024) });
    } catch {
      write({ t: Date.now(), kind: 'rss', name, mb: -1 });
    }
  }
}
const timer = setInterval(rss, 200);
process.on('SIGTERM', () => process.exit(0));
await Promise.all([poll('api', apiUrl), poll('rag', ragUrl)]);
clearInterval(timer);
