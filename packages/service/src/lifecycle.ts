import type { Server } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import type { Logger } from 'pino';

/** Listen and resolve with the bound address (port 0 picks a free port). */
export function listen(server: NetServer, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Run `stop` once on SIGINT/SIGTERM, then exit; a second signal exits at once. Under `npm start`
 * (CLASS_CHAT_SUPERVISED=1) Ctrl-C is the supervisor's to handle: it stops the services in order.
 */
export function exitOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', process.env.CLASS_CHAT_SUPERVISED === '1' ? () => undefined : handler);
  process.on('SIGTERM', handler);
}

export interface ServingHttp {
  httpServer: Server;
  url: string;
  port: number;
  /** Stop accepting, drop open connections, resolve when closed. */
  close(): Promise<void>;
}

/**
 * Start `httpServer` on host:port (0 = a free port). `via`: a listener of one's own that hands
 * connections to `httpServer` (and maybe to other servers), with what else to close on `close`.
 */
export async function serveHttp(
  httpServer: Server,
  port: number,
  host: string,
  via?: { listener: NetServer; close(): void },
): Promise<ServingHttp> {
  const listener = via?.listener ?? httpServer;
  const address = await listen(listener, port, host);
  const shownHost = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    httpServer,
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        listener.close(() => resolve());
        httpServer.closeAllConnections();
        via?.close();
      }),
  };
}
