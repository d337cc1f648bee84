/**
 * What the fake upstream wrote, for matching against what the clients received: each chat request's
 * start, first token and per-token write times, found by the `bench-<uuid>` marker in its prompt.
 * The fake stamps with its own `performance.now()` and reports its `timeOrigin`; clients convert
 * both clocks to epoch milliseconds (all processes run on one machine).
 */
export interface UpstreamRecord {
  kind: string;
  body: { messages?: unknown };
  startedAt: number;
  firstTokenAt: number | null;
  tokenTimestamps: number[];
  tokensSent: string[];
}

export interface UpstreamRecords {
  timeOrigin: number;
  /** The record of the stream that asked `markedQuestion(streamId)`. */
  forStream(streamId: string): UpstreamRecord | undefined;
}

/**
 * The question a benchmark stream asks, carrying its id so the upstream's record of it can be found.
 * The id is written as a number: rag's relevance floor weighs a number in the question at a quarter
 * of a word, so the question stays covered by the seeded notes (a `bench-<uuid>` marker was a set of
 * unknown words that sank it below the floor, and rag then answered without the model).
 */
export const markedQuestion = (streamId: string) => `What is osmosis? #${markerOf(streamId)}`;

const markerOf = (streamId: string) => BigInt(`0x${streamId.replaceAll('-', '')}`).toString(10);

export async function upstreamRecords(upstreamOrigin: string): Promise<UpstreamRecords> {
  const res = await fetch(`${upstreamOrigin}/_fake/requests`);
  const json = (await res.json()) as { timeOrigin: number; requests: UpstreamRecord[] };
  const byMarker = new Map<string, UpstreamRecord>();
  for (const rec of json.requests) {
    if (rec.kind !== 'chat') continue;
    // The last user message: a later question in the same session repeats earlier ones as history.
    const messages = Array.isArray(rec.body.messages) ? (rec.body.messages as Array<{ role?: string }>) : [];
    const question = messages.findLast((m) => m.role === 'user');
    const marker = /#([0-9]{20,40})/.exec(JSON.stringify(question ?? ''))?.[1];
    if (marker) byMarker.set(marker, rec);
  }
  return {
    timeOrigin: json.timeOrigin,
    forStream: (streamId) => byMarker.get(markerOf(streamId)),
  };
}

/** POST to the fake's control API (`reset`, `default`, …). */
export const controlUpstream = (upstreamOrigin: string, name: string, body: unknown = {}) =>
  fetch(`${upstreamOrigin}/_fake/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then((r) => r.text());

/**
 * Every model token the upstream wrote that reached the client: when it arrived (the client event
 * that completed its text; a relay may join tokens that arrive together into one event) and its
 * relay latency from the upstream's write, on epoch clocks. `tokenAt` are the client's
 * `performance.now()` stamps, `tokenEnds` the answer's length after each event.
 */
export function deliveredTokens(
  client: { tokenAt: number[]; tokenEnds: number[] },
  rec: { tokensSent: string[]; tokenTimestamps: number[] },
  upstreamTimeOrigin: number,
): Array<{ arrivedAt: number; latencyMs: number }> {
  const out: Array<{ arrivedAt: number; latencyMs: number }> = [];
  let sent = 0;
  let j = 0;
  for (let i = 0; i < rec.tokensSent.length && i < rec.tokenTimestamps.length; i++) {
    sent += rec.tokensSent[i]!.length;
    while (j < client.tokenEnds.length && client.tokenEnds[j]! < sent) j++;
    if (j === client.tokenEnds.length) break;
    const arrivedAt = client.tokenAt[j]!;
    out.push({
      arrivedAt,
      latencyMs: performance.timeOrigin + arrivedAt - (upstreamTimeOrigin + rec.tokenTimestamps[i]!),
    });
  }
  return out;
}

/** Relay latency (ms) of every model token that reached the client (see `deliveredTokens`). */
export const relayLatencies = (...args: Parameters<typeof deliveredTokens>): number[] =>
  deliveredTokens(...args).map((t) => t.latencyMs);
