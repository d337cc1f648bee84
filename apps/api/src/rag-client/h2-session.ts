import http2, { type ClientHttp2Session, type ClientHttp2Stream, type OutgoingHttpHeaders } from 'node:http2';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';

/** A response from rag: its status and its body as a byte stream. */
export interface RagResponse {
  status: number;
  body: Readable;
}

/**
 * One cleartext HTTP/2 connection to rag that every answer stream shares, opened on first use and
 * again after it closes (rag restarted, GOAWAY). A burst of new chats then needs no new connections,
 * and rag sends the frames of many answers in one socket write.
 */
export function createH2Connection(origin: string, logger: Logger) {
  let session: ClientHttp2Session | null = null;

  const current = (): ClientHttp2Session => {
    if (session && !session.closed && !session.destroyed) return session;
    const opened = http2.connect(origin, { settings: { initialWindowSize: 1 << 20 } });
    const forget = () => {
      if (session === opened) session = null;
    };
    // Debug only: every request or answer it breaks is reported (and logged) by its own caller.
    opened.on('error', (err) => logger.debug({ err }, 'rag HTTP/2 connection failed'));
    // No new streams on it; the ones running finish, then it closes.
    opened.once('goaway', () => {
      forget();
      opened.close();
    });
    opened.once('close', forget);
    // Many answers share the connection's flow-control window.
    opened.once('connect', () => opened.setLocalWindowSize(16 << 20));
    // An idle connection must not keep the process alive.
    opened.unref();
    session = opened;
    return opened;
  };

  return {
    /** POSTs `payload`; resolves once rag has answered with its status (the body then streams). */
    post(
      path: string,
      headers: OutgoingHttpHeaders,
      payload: string,
      signal?: AbortSignal,
    ): Promise<RagResponse> {
      return new Promise((resolve, reject) => {
        let stream: ClientHttp2Stream;
        try {
          stream = current().request(
            { ':method': 'POST', ':path': path, ...headers },
            signal ? { signal } : {},
          );
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        stream.once('response', (responseHeaders) => {
          stream.off('error', reject);
          // Later errors (rag gone mid-answer) reach whoever reads the body; never an uncaught one.
          stream.on('error', () => undefined);
          resolve({ status: Number(responseHeaders[':status'] ?? 0), body: stream });
        });
        stream.once('error', reject);
        stream.end(payload);
      });
    },
    close(): void {
      session?.close();
      session = null;
    },
  };
}
