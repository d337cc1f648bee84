import { createServer } from 'node:net';

/** A port on 127.0.0.1 that nothing listened on a moment ago (the OS picks it, the probe lets go). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
