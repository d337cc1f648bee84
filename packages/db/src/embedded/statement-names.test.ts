import { describe, expect, it } from 'vitest';
import { ConnectionStatements } from './statement-names.js';

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
    expect(statements.closeAll()).toBeNull();
  });

  it('keeps names in UTF-8 and the rest of the message intact', () => {
    const rewritten = new ConnectionStatements(12).rewrite(parse('requête', 'SELECT $1::text'));
    expect(rewritten).toEqual(parse('12/requête', 'SELECT $1::text'));
  });
});
