import type { Server as HttpServer } from 'node:http';
import type { Http2Server, Http2Session } from 'node:http2';
import { createServer, type Socket } from 'node:net';
import { serveHttp, type ServingHttp } from '@classchat/service';

/** What every HTTP/2 connection starts with (RFC 9113 §3.4): prior-knowledge cleartext HTTP/2. */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/**
 * Serves `httpServer` (HTTP/1.1) and `h2Server` (cleartext HTTP/2) on one port: each connection is
 * handed to the one its first bytes speak.
 */
export function serveHttpAndH2c(
  httpServer: HttpServer,
  h2Server: Http2Server,
  port: number,
  host: string,
): Promise<ServingHttp> {
  const sessions = new Set<Http2Session>();
  h2Server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const listener = createServer((socket) => dispatch(socket, httpServer, h2Server));
  return serveHttp(httpServer, port, host, {
    listener,
    close: () => {
      for (const session of sessions) session.destroy();
    },
  });
}

function dispatch(socket: Socket, httpServer: HttpServer, h2Server: Http2Server): void {
  let head = Buffer.alloc(0);
  const onReadable = () => {
    let chunk: Buffer | null;
    while ((chunk = socket.read() as Buffer | null) !== null) head = Buffer.concat([head, chunk]);
    const n = Math.min(head.length, PREFACE.length);
    const h2 = head.subarray(0, n).equals(PREFACE.subarray(0, n));
    if (h2 && head.length < PREFACE.length) return; // not enough bytes to tell yet
    socket.off('readable', onReadable);
    socket.off('error', onError);
    socket.unshift(head);
    (h2 ? h2Server : httpServer).emit('connection', socket);
  };
  const onError = () => socket.destroy();
  socket.on('readable', onReadable);
  socket.on('error', onError);
}
