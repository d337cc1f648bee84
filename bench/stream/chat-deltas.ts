/**
 * Reading a chat-completions stream with node:http alone, the floor under any SDK: the peer that
 * reads by hand and the SDK-cost benchmark both count its deltas.
 */
import type { IncomingMessage } from 'node:http';

/** Called once per text delta, then `end` (or `error`). */
export interface DeltaSink {
  token(text: string): void;
  end(): void;
  error(err: unknown): void;
}

/** A chat-completions SSE response read by hand: events split on blank lines, each `data:` JSON-parsed. */
export function readDeltas(res: IncomingMessage, sink: DeltaSink): void {
  if (res.statusCode !== 200) {
    res.resume();
    sink.error(new Error(`upstream HTTP ${res.statusCode}`));
    return;
  }
  let buffer = '';
  res.setEncoding('utf8');
  res.on('data', (text: string) => {
    buffer += text;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!event.startsWith('data: ') || event === 'data: [DONE]') continue;
      const chunk = JSON.parse(event.slice(6)) as { choices?: Array<{ delta?: { content?: string } }> };
      const content = chunk.choices?.[0]?.delta?.content;
      if (content) sink.token(content);
    }
  });
  res.on('end', () => sink.end());
  res.on('error', (err) => sink.error(err));
}
