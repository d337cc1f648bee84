/**
 * A one-hop peer of the product's stream path, as its own process: a Socket.IO server that, on an
 * `ask`, reads the model's stream and emits every text delta to the asking socket as
 * `chat-stream-token` {streamId, seq, token}, then `chat-stream-complete` (or `chat-stream-error`).
 * No auth, no database, no replay: what any app needs at the least to put a model's stream on a socket.
 *
 *   PEER=ai-sdk|node-http UPSTREAM_URL=http://127.0.0.1:PORT/v1 \
 *     node --conditions=@classchat/source --import tsx bench/stream/peers/main.ts
 *
 * prints `{"event":"ready","url":"http://127.0.0.1:PORT"}` on stdout.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { z } from 'zod';
import { aiSdkReader, nodeHttpReader } from './readers.js';

const Env = z.object({
  PEER: z.enum(['ai-sdk', 'node-http']),
  UPSTREAM_URL: z.string().url(),
});
const env = Env.parse(process.env);
const read = (env.PEER === 'ai-sdk' ? aiSdkReader : nodeHttpReader)(env.UPSTREAM_URL);

const Ask = z.object({ streamId: z.string(), message: z.string() });

const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false });
io.on('connection', (socket) => {
  socket.on('ask', (payload: unknown, ack?: (r: { ok: boolean }) => void) => {
    const parsed = Ask.safeParse(payload);
    ack?.({ ok: parsed.success });
    if (!parsed.success) return;
    const { streamId, message } = parsed.data;
    let seq = 0;
    let content = '';
    read(message, {
      token(token) {
        seq += 1;
        content += token;
        socket.emit('chat-stream-token', { streamId, seq, token });
      },
      end: () => socket.emit('chat-stream-complete', { streamId, content }),
      error: (err) => socket.emit('chat-stream-error', { streamId, error: String(err) }),
    });
  });
});
http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ event: 'ready', url: `http://127.0.0.1:${port}` })}\n`);
});
process.on('SIGTERM', () => {
  void io.close();
  process.exit(0);
});
