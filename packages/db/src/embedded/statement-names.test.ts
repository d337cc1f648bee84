import { describe, expect, it } from 'vitest';
import { ConnectionStatements, SharedStatements } from './statement-names.js';

/** A frontend message: type letter, then the body's pieces (strings NUL-terminated, buffers as is). */
function message(type: string, ...pieces: (string | Buffer)[]): Buffer {
  const body = Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(`${p}\0`) : p)));
  const head = Buffer.alloc(5);
  head.write(type, 0);
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

const int16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const parse = (name: string, text: string) => message('P', name, text, int16(0));
const bind = (portal: string, name: string) => message('B', portal, name, int16(0), int16(0), int16(0));
const describeStatement = (name: string) => message('D', Buffer.from('S'), name);
const describePortal = (name: string) => message('D', Buffer.from('P'), name);
const close = (name: string) => message('C', Buffer.from('S'), name);
const execute = message('E', '', Buffer.alloc(4));
const sync = message('S');

describe('connection statement names', () => {
  it("prefixes the statement names of Parse, Bind, Describe and Close with the connection's id", () => {
    const batch = Buffer.concat([
      parse('q1', 'SELECT 1'),
      bind('', 'q1'),
      describeStatement('q1'),
      execute,
      sync,
    ]);
    expect(new ConnectionStatements(7).rewrite(batch)).toEqual(
      Buffer.concat([parse('7/q1', 'SELECT 1'), bind('', '7/q1'), describeStatement('7/q1'), execute, sync]),
    );
  });

  it('leaves the unnamed statement, portals and other messages as they are', () => {
    const batch = Buffer.concat([
      parse('', 'SELECT 1'),
      bind('p', ''),
      describePortal('p'),
      execute,
      message('Q', 'SELECT 2'),
      sync,
    ]);
    expect(new ConnectionStatements(7).rewrite(batch)).toBe(batch);
  });

  it('closes at the end the statements the connection parsed and did not close', () => {
    const statements = new ConnectionStatements(3);
    statements.rewrite(Buffer.concat([parse('a', 'SELECT 1'), parse('b', 'SELECT 2'), sync]));
    statements.rewrite(Buffer.concat([close('a'), sync]));
    expect(statements.closeAll()).toEqual(Buffer.concat([close('3/b'), sync]));
    statements.forgetAll();
    expect(statements.closeAll()).toBeNull();
  });

  it('keeps names in UTF-8 and the rest of the message intact', () => {
    const rewritten = new ConnectionStatements(12).rewrite(parse('requête', 'SELECT $1::text'));
    expect(rewritten).toEqual(parse('12/requête', 'SELECT $1::text'));
  });
});

/** A backend message of `type` with an empty body, for the output a batch got. */
const reply = (type: string) => message(type);
const parseComplete = reply('1');
const closeComplete = reply('3');
const ready = message('Z', Buffer.from('I'));
const failed = message('E', Buffer.from('S'), 'ERROR', '');
const emptyParse = message('P', '', '', int16(0));
const closeNothing = close('*/');

const shareable = `cc_${'0123456789abcdef'.repeat(2).slice(0, 24)}`;
const text = 'SELECT $1::int + 1';

describe('statements shared across connections', () => {
  /** Connection 1 prepares `shareable` and the batch's Parse succeeds; then connection 2 asks for it. */
  function preparedByFirst() {
    const shared = new SharedStatements();
    const first = new ConnectionStatements(1, shared);
    expect(first.rewrite(Buffer.concat([parse(shareable, text), sync]))).toEqual(
      Buffer.concat([parse(`*/${shareable}`, text), sync]),
    );
    first.settle(Buffer.concat([parseComplete, ready]));
    return { shared, first, second: new ConnectionStatements(2, shared) };
  }

  it("prepares a cc_ name once for the server: a later connection's Parse becomes an empty one", () => {
    const { second } = preparedByFirst();
    const batch = Buffer.concat([
      parse(shareable, text),
      bind('', shareable),
      describeStatement(shareable),
      sync,
    ]);
    expect(second.rewrite(batch)).toEqual(
      Buffer.concat([emptyParse, bind('', `*/${shareable}`), describeStatement(`*/${shareable}`), sync]),
    );
  });

  it("neither a client's Close nor a disconnect closes a shared statement", () => {
    const { first, second } = preparedByFirst();
    second.rewrite(Buffer.concat([parse(shareable, text), sync]));
    expect(second.rewrite(Buffer.concat([close(shareable), sync]))).toEqual(
      Buffer.concat([closeNothing, sync]),
    );
    expect(first.closeAll()).toBeNull();
    expect(second.closeAll()).toBeNull();
    // Parsed again after its Close: still the shared one.
    expect(second.rewrite(parse(shareable, text))).toEqual(emptyParse);
  });

  it('keeps a name to the connection that prepares it until its Parse is seen to succeed', () => {
    const shared = new SharedStatements();
    const first = new ConnectionStatements(1, shared);
    first.rewrite(Buffer.concat([parse(shareable, text), sync]));
    expect(new ConnectionStatements(2, shared).rewrite(parse(shareable, text))).toEqual(
      parse(`2/${shareable}`, text),
    );
    // An error in the batch: which Parse failed is not known, so the statement stays the first's.
    first.settle(Buffer.concat([failed, ready]));
    expect(new ConnectionStatements(3, shared).rewrite(parse(shareable, text))).toEqual(
      parse(`3/${shareable}`, text),
    );
    expect(first.closeAll()).toEqual(Buffer.concat([close(`*/${shareable}`), sync]));
    first.forgetAll();
    expect(new ConnectionStatements(4, shared).rewrite(parse(shareable, text))).toEqual(
      parse(`*/${shareable}`, text),
    );
  });

  it('frees a name its owner closed only once the Close is seen to succeed', () => {
    const shared = new SharedStatements();
    const first = new ConnectionStatements(1, shared);
    first.rewrite(parse(shareable, text));
    first.settle(failed);
    expect(first.rewrite(Buffer.concat([close(shareable), sync]))).toEqual(
      Buffer.concat([close(`*/${shareable}`), sync]),
    );
    first.settle(Buffer.concat([failed, ready])); // the Close was skipped: the statement may exist
    expect(new ConnectionStatements(2, shared).rewrite(parse(shareable, text))).toEqual(
      parse(`2/${shareable}`, text),
    );
    first.rewrite(Buffer.concat([close(shareable), sync]));
    first.settle(Buffer.concat([closeComplete, ready]));
    expect(new ConnectionStatements(3, shared).rewrite(parse(shareable, text))).toEqual(
      parse(`*/${shareable}`, text),
    );
  });

  it('prepares its own copy for other names, another text, or after parsing the unnamed statement', () => {
    const { shared, second } = preparedByFirst();
    expect(second.rewrite(parse('cc_probe', text))).toEqual(parse('2/cc_probe', text));
    expect(second.rewrite(parse(shareable, 'SELECT 2'))).toEqual(parse(`2/${shareable}`, 'SELECT 2'));
    const third = new ConnectionStatements(3, shared);
    expect(third.rewrite(Buffer.concat([parse('', 'SELECT 1'), parse(shareable, text)]))).toEqual(
      Buffer.concat([parse('', 'SELECT 1'), parse(`3/${shareable}`, text)]),
    );
  });
});
