/**
 * The two ways a peer reads the model's stream. Both call the sink once per text delta, then `end`
 * (or `error`), so the Socket.IO side of both peers is the same code.
 */
import { Agent, request } from 'node:http';
import { createOpenAI } from '@ai-sdk/openai';
import { streamText } from 'ai';

export interface DeltaSink {
  token(text: string): void;
  end(): void;
  error(err: unknown): void;
}

export type ModelReader = (prompt: string, sink: DeltaSink) => void;

const MODEL = 'gpt-4o-mini';

/** Vercel AI SDK: `streamText` over the OpenAI chat-completions provider. */
export function aiSdkReader(baseURL: string): ModelReader {
  // `.chat`: the provider's default model speaks the Responses API, which an OpenAI-compatible
  // server (and the fake) may not have; the product reads chat completions too.
  const model = createOpenAI({ baseURL, apiKey: 'bench-key' }).chat(MODEL);
  return (prompt, sink) => {
    void (async () => {
      try {
        const result = streamText({ model, prompt, maxRetries: 0 });
        for await (const text of result.textStream) if (text) sink.token(text);
        sink.end();
      } catch (err) {
        sink.error(err);
      }
    })();
  };
}

/** The floor: `node:http`, events split on blank lines, `JSON.parse` of each `data:` line. */
export function nodeHttpReader(baseURL: string): ModelReader {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  return (prompt, sink) => {
    const req = request(
      `${baseURL}/chat/completions`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
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
      },
    );
    req.on('error', (err) => sink.error(err));
    req.end(
      JSON.stringify({
        model: MODEL,
        messages: [{ role: 'user', content: prompt }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
  };
}
