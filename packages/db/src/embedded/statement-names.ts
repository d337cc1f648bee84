const PARSE = 0x50; // 'P'
const BIND = 0x42; // 'B'
const DESCRIBE = 0x44; // 'D'
const CLOSE = 0x43; // 'C'
const STATEMENT = 0x53; // 'S': Describe / Close of a statement (not a portal)
const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

/**
 * One connection's named prepared statements on the embedded server. PostgreSQL keeps prepared
 * statements per session, and a client such as node-postgres remembers per connection which names it
 * has parsed; but every connection of the embedded server shares PGlite's one session, so two pooled
 * connections preparing the same name would collide ("prepared statement … already exists") and a
 * closed connection's statements would outlive it. So each connection's statement names are rewritten
 * with a prefix of its own (`<id>/`, which no other connection's prefix starts with) in the Parse,
 * Bind, Describe and Close messages it sends, and the statements it leaves open are closed when it
 * goes. The unnamed statement is left alone: the query queue keeps it to one connection until Sync.
 * Names given in SQL (`PREPARE`, `EXECUTE`) are not rewritten and remain shared.
 */
export class ConnectionStatements {
  private readonly prefix: string;
  private readonly open = new Set<string>();

  constructor(connectionId: number) {
    this.prefix = `${connectionId}/`;
  }

  /** The frontend messages of `batch` (whole messages) with this connection's statement names. */
  rewrite(batch: Buffer): Buffer {
    const parts: Buffer[] = [];
    let copiedTo = 0;
    for (let at = 0; at + 5 <= batch.length;) {
      const end = at + 1 + batch.readInt32BE(at + 1);
      const span = statementName(batch, at, end);
      if (span) {
        if (span.type === PARSE) this.open.add(span.name);
        if (span.type === CLOSE) this.open.delete(span.name);
        parts.push(batch.subarray(copiedTo, at), this.renamed(batch, at, end, span));
        copiedTo = end;
      }
      at = end;
    }
    if (parts.length === 0) return batch;
    parts.push(batch.subarray(copiedTo));
    return Buffer.concat(parts);
  }

  /** Close messages for the statements this connection left open, then Sync; null if none. */
  closeAll(): Buffer | null {
    if (this.open.size === 0) return null;
    const closes = [...this.open].map((name) => closeStatement(this.prefix + name));
    this.open.clear();
    return Buffer.concat([...closes, SYNC]);
  }

  private renamed(batch: Buffer, at: number, end: number, span: NameSpan): Buffer {
    const name = Buffer.from(this.prefix + span.name, 'utf8');
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

function closeStatement(sessionName: string): Buffer {
  const name = Buffer.from(`${sessionName}\0`, 'utf8');
  const msg = Buffer.alloc(6 + name.length);
  msg[0] = CLOSE;
  msg.writeInt32BE(5 + name.length, 1);
  msg[5] = STATEMENT;
  name.copy(msg, 6);
  return msg;
}
