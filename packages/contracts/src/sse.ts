import { createParser, type EventSourceParser } from 'eventsource-parser';
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
 * Incremental SSE decoder over `eventsource-parser`: feed it bytes or text as they arrive and it
 * returns the complete, schema-valid events (events split across chunks or several per chunk, any
 * line ending, multi-line `data:` fields, comments, multi-byte characters split between chunks).
 * `known`, when given, accepts the frequent events whose shape it checks itself (a token on the hot
 * path) without the schema; it returns undefined for anything else, which the schema then parses.
 */
export class SseDecoder<T> {
  private readonly text = new TextDecoder('utf-8');
  private readonly parser: EventSourceParser;
  private events: T[] = [];

  constructor(
    private readonly schema: z.ZodType<T>,
    private readonly onIssue: (issue: SseDecodeIssue) => void = () => {},
    private readonly known: (json: unknown) => T | undefined = () => undefined,
  ) {
    this.parser = createParser({ onEvent: (message) => this.dispatch(message.data) });
  }

  push(chunk: string | Uint8Array): T[] {
    this.parser.feed(typeof chunk === 'string' ? chunk : this.text.decode(chunk, { stream: true }));
    return this.take();
  }

  /** Call when the byte stream ends: a final event without its blank line is still delivered. */
  end(): T[] {
    this.parser.feed(`${this.text.decode()}\n\n`);
    return this.take();
  }

  private take(): T[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  private dispatch(data: string): void {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.onIssue({ data, reason: 'not JSON' });
      return;
    }
    const known = this.known(json);
    if (known !== undefined) {
      this.events.push(known);
      return;
    }
    const parsed = this.schema.safeParse(json);
    if (parsed.success) this.events.push(parsed.data);
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
