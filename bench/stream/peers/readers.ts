/**
 * The two ways a peer reads the model's stream. Both call the sink once per text delta, then `end`
 * (or `error`), so the Socket.IO side of both peers is the same code.
 */
import { Agent, request } from 'node:http';
import { createOpenAI } from '@ai-sdk/openai';
import { streamText } from 'ai';
import { readDeltas, type DeltaSink } from '../chat-deltas.js';

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
      (res) => readDeltas(res, sink),
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
