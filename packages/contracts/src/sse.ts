import type { z } from 'zod';

/** One SSE frame: the event as a single `data:` JSON line, then the blank line that ends it. */
export function encodeSse(event: unknown): string {
  return `data: ${JSON.stringify(event)}\n\n`;
}

/** A line or event that could not be turned into a valid event; reported, never thrown. */
export interface SseDecodeIssue {
  data: string;
  reason: string;
}

/**
 * Incremental SSE decoder: feed it bytes or text as they arrive and it returns the complete,
 * schema-valid events. Handles events split across chunks, several events per chunk, CRLF / CR / LF
 * line ends, multi-line `data:` fields, comments (`:`) and multi-byte characters split between chunks.
 */
export class SseDecoder<T> {
  private readonly text = new TextDecoder('utf-8');
  private buffer = '';
  private dataLines: string[] = [];
  private pendingCR = false;

  constructor(
    private readonly schema: z.ZodType<T>,
    private readonly onIssue: (issue: SseDecodeIssue) => void = () => {},
  ) {}

  push(chunk: string | Uint8Array): T[] {
    let input = typeof chunk === 'string' ? chunk : this.text.decode(chunk, { stream: true });
    if (this.pendingCR && input.startsWith('\n')) input = input.slice(1);
    this.pendingCR = false;
    const buffer = this.buffer + input;
    const events: T[] = [];
    let start = 0;
    let lf = buffer.indexOf('\n');
    let cr = buffer.indexOf('\r');
    while (lf !== -1 || cr !== -1) {
      const lineStart = start;
      let end: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        start = cr + 1;
        if (start === buffer.length) this.pendingCR = true;
        else if (buffer.charCodeAt(start) === 10) start += 1;
      } else {
        end = lf;
        start = lf + 1;
      }
      this.takeLine(buffer.slice(lineStart, end), events);
      if (lf !== -1 && lf < start) lf = buffer.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = buffer.indexOf('\r', start);
    }
    this.buffer = buffer.slice(start);
    return events;
  }

  /** Call when the byte stream ends: a final event without its blank line is still delivered. */
  end(): T[] {
    const events: T[] = [];
    const tail = this.buffer + this.text.decode();
    this.buffer = '';
    if (tail.length > 0) this.takeLine(tail, events);
    this.dispatch(events);
    return events;
  }

  private takeLine(line: string, events: T[]): void {
    if (line === '') return this.dispatch(events);
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.dataLines.push(value);
    // `event`, `id` and `retry` carry nothing our events need; unknown fields are ignored per the SSE spec.
  }

  private dispatch(events: T[]): void {
    if (this.dataLines.length === 0) return;
    const data = this.dataLines.join('\n');
    this.dataLines = [];
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.onIssue({ data, reason: 'not JSON' });
      return;
    }
    const parsed = this.schema.safeParse(json);
    if (parsed.success) events.push(parsed.data);
    else this.onIssue({ data, reason: parsed.error.issues.map((i) => i.message).join('; ') });
  }
}

/** Decode a byte stream (a fetch body, a Node readable) into typed events. */
export async function* decodeSse<T>(
  source: AsyncIterable<string | Uint8Array>,
  schema: z.ZodType<T>,
  onIssue?: (issue: SseDecodeIssue) => void,
): AsyncGenerator<T, void, undefined> {
  const decoder = new SseDecoder(schema, onIssue);
  for await (const chunk of source) yield* decoder.push(chunk);
  yield* decoder.end();
}
