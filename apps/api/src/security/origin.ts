import type { IncomingMessage } from 'node:http';

/** Peers whose X-Forwarded-Host is believed: a reverse proxy on this machine (as Express's `trust proxy`). */
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * The hosts (`name:port`) a request was addressed to: its Host header, and the X-Forwarded-Host of a
 * reverse proxy on the loopback interface.
 */
export function servedHosts(req: Pick<IncomingMessage, 'headers' | 'socket'>): string[] {
  const hosts: string[] = [];
  if (req.headers.host) hosts.push(req.headers.host.toLowerCase());
  const forwarded = req.headers['x-forwarded-host'];
  if (typeof forwarded === 'string' && LOOPBACK.has(req.socket.remoteAddress ?? '')) {
    const first = forwarded.split(',')[0]?.trim().toLowerCase();
    if (first) hosts.push(first);
  }
  return hosts;
}

/**
 * Whether a browser request from `origin` may act on the api. Without an Origin header it is not a
 * cross-origin browser request (browsers send Origin with every cross-origin request, every
 * WebSocket handshake and every POST/PUT/PATCH/DELETE), so it passes: other clients authenticate
 * with a bearer token anyway. With one, it must be one of `publicOrigins` when configured, else the
 * origin the request was addressed to — another port of the same host is another origin.
 */
export function originAllowed(
  origin: string | undefined,
  options: { publicOrigins: readonly string[] | undefined; servedHosts: readonly string[] },
): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file: pages) and anything malformed
  }
  if (options.publicOrigins) return options.publicOrigins.includes(url.origin);
  return (url.protocol === 'http:' || url.protocol === 'https:') && options.servedHosts.includes(url.host);
}
