import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { httpLogging } from './http-logging.js';

/** A logger whose lines land in `lines`, parsed. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** One request through `httpLogging` on a real server; its request line once the response finished. */
async function requestLine(headers: Record<string, string>) {
  const { logger, lines } = capturingLogger();
  const logRequest = httpLogging(logger);
  server = createServer((req, res) => {
    logRequest(req, res);
    res.setHeader('set-cookie', 'cc_session=abc');
    res.statusCode = 202;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/chat/new?x=1`, { method: 'POST', headers });
  await response.text();
  await expect.poll(() => lines.length).toBe(1);
  return { line: lines[0]!, requestId: response.headers.get('x-request-id') };
}

describe('httpLogging', () => {
  it('logs one lean line per request: id, method, url and peer; status; time; no headers', async () => {
    const { line, requestId } = await requestLine({
      cookie: 'cc_session=s3cret',
      'user-agent': 'test-agent',
      'x-request-id': 'req-42',
    });
    expect(requestId).toBe('req-42');
    expect(line).toMatchObject({
      msg: 'request completed',
      req: { id: 'req-42', method: 'POST', url: '/api/v1/chat/new?x=1', remoteAddress: '127.0.0.1' },
      res: { statusCode: 202 },
    });
    expect(typeof line.responseTime).toBe('number');
    expect(Object.keys(line.req as object).sort()).toEqual(['id', 'method', 'remoteAddress', 'url']);
    expect(Object.keys(line.res as object)).toEqual(['statusCode']);
    expect(JSON.stringify(line)).not.toMatch(/s3cret|test-agent|abc/);
  });
});
