const PARSE = 0x50; // 'P'
const BIND = 0x42; // 'B'
const DESCRIBE = 0x44; // 'D'
const CLOSE = 0x43; // 'C'
const FRONTEND_SYNC = 0x53; // 'S'
const STATEMENT = 0x53; // 'S': Describe / Close of a statement (not a portal)
const PARSE_COMPLETE = 0x31; // '1'
const CLOSE_COMPLETE = 0x33; // '3'
const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

/**
 * The names packages/db prepares its statements under (`statementName`: `cc_` and a hash of the
 * text), so such a name never means two texts and every connection may use one statement.
 */
const SHAREABLE = /^cc_[0-9a-f]{24}$/;
/** Session names of shared statements; connections' own prefixes are numbers, so never collide. */
const SHARED_PREFIX = '*/';
/**
 * A repeated Parse of a shared statement becomes a Parse of the empty query into the unnamed
 * statement: the backend itself then answers ParseComplete — or skips it after an earlier error in
 * the sequence, or counts it — exactly where and when it would have answered the real Parse, with
 * no reply of ours to splice into its output. It costs nothing to parse or plan, and it only
 * replaces the unnamed statement, which is why a connection that parsed one in the same sequence
 * prepares its own copy instead.
 */
const EMPTY_PARSE = Buffer.from([PARSE, 0, 0, 0, 8, 0, 0, 0, 0]);
/**
 * A client's Close of a shared statement closes this name instead, which is never a statement:
 * PostgreSQL answers CloseComplete for an unknown name, and the shared statement stays.
 */
const CLOSE_NOTHING = closeStatement(SHARED_PREFIX);

interface SharedEntry {
  /** The Parse message after the name (text and parameter types). */
  body: Buffer;
  /** The connection whose Parse prepared it, until that Parse is known to have succeeded. */
  owner: number | null;
}

/**
 * The statements every connection of one embedded server shares (they all share PGlite's one
 * session). A statement prepared once is planned once: PostgreSQL's five custom plans before its
 * generic one are then paid once per server, not once per pooled connection.
 */
export class SharedStatements {
  private readonly entries = new Map<string, SharedEntry>();

  /** How connection `id` should prepare `name` with `body`; claims an unknown name for it. */
  claim(name: string, body: Buffer, id: number): 'shared' | 'owned' | 'private' {
    const entry = this.entries.get(name);
    if (!entry) {
      this.entries.set(name, { body: Buffer.from(body), owner: id });
      return 'owned';
    }
    return entry.owner === null && entry.body.equals(body) ? 'shared' : 'private';
  }

  /** Connection `id`'s Parse of `name` succeeded: from now on the statement is everyone's. */
  settle(name: string, id: number): void {
    const entry = this.entries.get(name);
    if (entry?.owner === id) entry.owner = null;
  }

  /** Connection `id` closed the statement it owned: another may prepare the name again. */
  release(name: string, id: number): void {
    if (this.entries.get(name)?.owner === id) this.entries.delete(name);
  }
}

type Kind = 'private' | 'owned' | 'shared';

/**
 * One connection's named prepared statements on the embedded server. PostgreSQL keeps prepared
 * statements per session, and a client such as node-postgres remembers per connection which names it
 * has parsed; but every connection of the embedded server shares PGlite's one session, so two pooled
 * connections preparing the same name would collide ("prepared statement … already exists") and a
 * closed connection's statements would outlive it. So each connection's statement names are rewritten
 * with a prefix of its own (`<id>/`, which no other connection's prefix starts with) in the Parse,
 * Bind, Describe and Close messages it sends, and the statements it leaves open are closed when it
 * goes. The unnamed statement is left alone: the query queue keeps it to one connection until Sync.
 *
 * Names of the {@link SHAREABLE} form are instead one statement for the whole server (named with
 * {@link SHARED_PREFIX}): the first connection prepares it (and owns it until its Parse is seen to
 * succeed), a later connection's Parse becomes {@link EMPTY_PARSE}, and neither a client's Close nor a
 * disconnect closes it. While another connection owns the name, or the text differs, a connection
 * prepares its own copy as above.
 *
 * Names given in SQL (`PREPARE`, `EXECUTE`, `DEALLOCATE`) are not rewritten, so they never reach a
 * connection's or a shared statement — except `DEALLOCATE ALL`, which drops every statement of the
 * session, as it always did for every connection's.
 */
export class ConnectionStatements {
  private readonly prefix: string;
  private readonly names = new Map<string, Kind>();
  /** Parsed the unnamed statement since the last Sync: an empty Parse would replace it. */
  private unnamedParsed = false;
  /** Of the last batch: its Parse and Close messages, and the owned names it parsed or closed. */
  private parses = 0;
  private closes = 0;
  private parsedOwned: string[] = [];
  private closedOwned: string[] = [];

  constructor(
    private readonly id: number,
    private readonly shared: SharedStatements = new SharedStatements(),
  ) {
    this.prefix = `${id}/`;
  }

  /** The frontend messages of `batch` (whole messages) with this connection's statement names. */
  rewrite(batch: Buffer): Buffer {
    this.parses = 0;
    this.closes = 0;
    const parts: Buffer[] = [];
    let copiedTo = 0;
    for (let at = 0; at + 5 <= batch.length;) {
      const end = at + 1 + batch.readInt32BE(at + 1);
      if (batch[at] === PARSE) this.parses++;
      if (batch[at] === CLOSE) this.closes++;
      if (batch[at] === FRONTEND_SYNC) this.unnamedParsed = false;
      const span = statementName(batch, at, end);
      if (span) {
        parts.push(batch.subarray(copiedTo, at), this.rewriteMessage(batch, at, end, span));
        copiedTo = end;
      } else if (batch[at] === PARSE) this.unnamedParsed = true;
      at = end;
    }
    if (parts.length === 0) return batch;
    parts.push(batch.subarray(copiedTo));
    return Buffer.concat(parts);
  }

  /**
   * After the last batch ran, with its whole output. A Parse or Close answers its Complete message or
   * an error, and an error skips the rest up to Sync; so all of the batch's succeeded exactly when
   * there are as many Completes as messages. Then its owned statements become shared, and the names it
   * closed free; otherwise it is not known which did, so they stay this connection's.
   */
  settle(output: Buffer): void {
    const closed = countMessages(output, CLOSE_COMPLETE) === this.closes;
    for (const name of this.closedOwned) {
      if (this.names.has(name)) continue; // parsed again in the same batch
      if (closed) this.shared.release(name, this.id);
      else this.names.set(name, 'owned');
    }
    if (this.parsedOwned.length && countMessages(output, PARSE_COMPLETE) === this.parses) {
      for (const name of this.parsedOwned) {
        this.shared.settle(name, this.id);
        if (this.names.get(name) === 'owned') this.names.set(name, 'shared');
      }
    }
    this.closedOwned = [];
    this.parsedOwned = [];
  }

  /** Close messages for the statements this connection left open (not the shared ones), then Sync; null if none. */
  closeAll(): Buffer | null {
    // With the owned ones a last batch closed, should it never have run.
    for (const name of this.closedOwned) if (!this.names.has(name)) this.names.set(name, 'owned');
    this.closedOwned = [];
    const closes = [...this.names]
      .filter(([, kind]) => kind !== 'shared')
      .map(([name, kind]) => closeStatement(this.sessionName(name, kind)));
    return closes.length ? Buffer.concat([...closes, SYNC]) : null;
  }

  /** Once {@link closeAll}'s messages ran: forgets every statement and frees the names it owned. */
  forgetAll(): void {
    for (const [name, kind] of this.names) if (kind === 'owned') this.shared.release(name, this.id);
    this.names.clear();
  }

  private rewriteMessage(batch: Buffer, at: number, end: number, span: NameSpan): Buffer {
    if (span.type === PARSE) return this.rewriteParse(batch, at, end, span);
    const kind = this.names.get(span.name) ?? 'private';
    if (span.type === CLOSE) {
      this.names.delete(span.name);
      if (kind === 'shared') return CLOSE_NOTHING;
      if (kind === 'owned') this.closedOwned.push(span.name);
    }
    return this.renamed(batch, at, end, span, this.sessionName(span.name, kind));
  }

  private rewriteParse(batch: Buffer, at: number, end: number, span: NameSpan): Buffer {
    const body = batch.subarray(span.stop + 1, end);
    let kind = this.names.get(span.name);
    if (kind === undefined)
      kind =
        SHAREABLE.test(span.name) && !this.unnamedParsed
          ? this.shared.claim(span.name, body, this.id)
          : 'private';
    this.names.set(span.name, kind);
    // A repeated Parse of a shared name (its first may have been skipped after an error) never fails.
    if (kind === 'shared') return EMPTY_PARSE;
    if (kind === 'owned') this.parsedOwned.push(span.name);
    return this.renamed(batch, at, end, span, this.sessionName(span.name, kind));
  }

  private sessionName(name: string, kind: Kind): string {
    return (kind === 'private' ? this.prefix : SHARED_PREFIX) + name;
  }

  private renamed(batch: Buffer, at: number, end: number, span: NameSpan, sessionName: string): Buffer {
    const name = Buffer.from(sessionName, 'utf8');
    const out = Buffer.concat([batch.subarray(at, span.start), name, batch.subarray(span.stop, end)]);
    out.writeInt32BE(out.length - 1, 1);
    return out;
  }
}

interface NameSpan {
  type: number;
  start: number;
  stop: number;
  name: string;
}

/** Where the statement name of the frontend message at `at` lies, when it names one. */
function statementName(batch: Buffer, at: number, end: number): NameSpan | null {
  const type = batch[at]!;
  let start: number;
  if (type === PARSE) start = at + 5;
  else if (type === BIND)
    start = batch.indexOf(0, at + 5) + 1; // after the portal name
  else if ((type === DESCRIBE || type === CLOSE) && batch[at + 5] === STATEMENT) start = at + 6;
  else return null;
  const stop = batch.indexOf(0, start);
  if (start <= 0 || stop < 0 || stop >= end || stop === start) return null;
  return { type, start, stop, name: batch.toString('utf8', start, stop) };
}

/** How many of the (whole) backend messages in `output` are of `type`. */
function countMessages(output: Buffer, type: number): number {
  let n = 0;
  for (let at = 0; at + 5 <= output.length; at += 1 + output.readInt32BE(at + 1))
    if (output[at] === type) n++;
  return n;
}

function closeStatement(sessionName: string): Buffer {
  const name = Buffer.from(`${sessionName}\0`, 'utf8');
  const msg = Buffer.alloc(6 + name.length);
  msg[0] = CLOSE;
  msg.writeInt32BE(5 + name.length, 1);
  msg[5] = STATEMENT;
  name.copy(msg, 6);
  return msg;
}
