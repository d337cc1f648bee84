import { describe, expect, it } from 'vitest';
import { RagStreamEvent, ragTokenEvent } from './rag.js';
import { SseDecoder, decodeSse, encodeSse, type SseDecodeIssue } from './sse.js';

const token = (content: string) => ({ type: 'token', content }) as const;

function decodeAll(chunks: Array<string | Uint8Array>) {
  const issues: SseDecodeIssue[] = [];
  const decoder = new SseDecoder(RagStreamEvent, (i) => issues.push(i));
  const events = chunks.flatMap((c) => decoder.push(c));
  events.push(...decoder.end());
  return { events, issues };
}

describe('SSE codec', () => {
  it('encodes an event as one data line and a blank line', () => {
    expect(encodeSse(token('Hi'))).toBe('data: {"type":"token","content":"Hi"}\n\n');
  });

  it('round-trips a sequence of events', () => {
    const sent = [
      { type: 'route', route: 'general_qa' } as const,
      token('a'),
      token(' b'),
      { type: 'keepalive' } as const,
    ];
    const { events, issues } = decodeAll([sent.map(encodeSse).join('')]);
    expect(events).toEqual(sent);
    expect(issues).toEqual([]);
  });

  it('reassembles an event split across chunks at every possible byte', () => {
    const wire = encodeSse(token('héllo wörld ✓')) + encodeSse(token('!'));
    const bytes = new TextEncoder().encode(wire);
    for (let cut = 1; cut < bytes.length; cut++) {
      const { events } = decodeAll([bytes.slice(0, cut), bytes.slice(cut)]);
      expect(events).toEqual([token('héllo wörld ✓'), token('!')]);
    }
  });

  it('accepts CRLF and lone CR line endings, including a CRLF split between chunks', () => {
    const crlf = 'data: {"type":"token","content":"a"}\r\n\r\ndata: {"type":"token","content":"b"}\r';
    const { events } = decodeAll([crlf, '\n\r\n', 'data: {"type":"token","content":"c"}\r\r']);
    expect(events).toEqual([token('a'), token('b'), token('c')]);
  });

  it('ignores comments and other fields', () => {
    const wire =
      ': keep-alive comment\nevent: message\nid: 7\nretry: 100\ndata: {"type":"token","content":"x"}\n\n';
    expect(decodeAll([wire]).events).toEqual([token('x')]);
  });

  it('joins multi-line data fields with newlines', () => {
    const wire = 'data: {"type":"token",\ndata: "content":"y"}\n\n';
    expect(decodeAll([wire]).events).toEqual([token('y')]);
  });

  it('reports malformed lines and schema mismatches without throwing, and keeps decoding', () => {
    const wire = 'data: not json\n\ndata: {"type":"nope"}\n\ndata: [DONE]\n\n' + encodeSse(token('ok'));
    const { events, issues } = decodeAll([wire]);
    expect(events).toEqual([token('ok')]);
    expect(issues.map((i) => i.data)).toEqual(['not json', '{"type":"nope"}', '[DONE]']);
  });

  it('delivers a final event that lacks its blank line when the stream ends', () => {
    expect(decodeAll(['data: {"type":"token","content":"end"}']).events).toEqual([token('end')]);
  });

  it('takes the events `known` recognises as they are, and parses the rest with the schema', () => {
    const issues: SseDecodeIssue[] = [];
    const seen: unknown[] = [];
    const decoder = new SseDecoder(
      RagStreamEvent,
      (i) => issues.push(i),
      (json) => {
        seen.push(json);
        return ragTokenEvent(json);
      },
    );
    const wire =
      encodeSse(token('a')) +
      encodeSse({ type: 'route', route: 'quiz' }) +
      'data: {"type":"token","content":7}\n\n' +
      'data: {"type":"token","content":"b","extra":1}\n\n';
    expect(decoder.push(wire)).toEqual([token('a'), { type: 'route', route: 'quiz' }, token('b')]);
    expect(seen).toHaveLength(4);
    expect(issues.map((i) => i.data)).toEqual(['{"type":"token","content":7}']);
  });

  it('decodes an async byte stream', async () => {
    async function* source() {
      await Promise.resolve();
      yield new TextEncoder().encode('data: {"type":"tok');
      yield 'en","content":"1"}\n\ndata: {"type":"token","content":"2"}\n\n';
    }
    const events: RagStreamEvent[] = [];
    for await (const e of decodeSse(source(), RagStreamEvent)) events.push(e);
    expect(events).toEqual([token('1'), token('2')]);
  });
});
