import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chunksOf } from './chunks.js';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const chunk of it) out.push(chunk);
  return out;
}

describe('chunksOf', () => {
  it('yields every chunk in order, those written before the read and after, then ends', async () => {
    const stream = new PassThrough({ encoding: 'utf8' });
    stream.write('a');
    stream.write('b');
    const read = collect(chunksOf<string>(stream));
    await new Promise((resolve) => setImmediate(resolve));
    stream.write('c');
    stream.end('d');
    expect((await read).join('')).toBe('abcd');
  });

  it("rejects with the stream's error once the chunks before it are taken", async () => {
    const stream = new PassThrough({ encoding: 'utf8' });
    const it = chunksOf<string>(stream);
    stream.write('a');
    expect(await it.next()).toEqual({ value: 'a', done: false });
    const pending = it.next();
    stream.destroy(new Error('boom'));
    await expect(pending).rejects.toThrow('boom');
  });

  it('rejects with a premature close when the stream is destroyed before its end', async () => {
    const stream = new PassThrough();
    const pending = chunksOf(stream).next();
    stream.destroy();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('pauses the stream while many chunks wait, and resumes it as they are taken', async () => {
    const stream = new PassThrough({ objectMode: true });
    const it = chunksOf<number>(stream, 4);
    for (let i = 0; i < 4; i++) stream.write(i);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.isPaused()).toBe(true);
    for (let i = 4; i < 10; i++) stream.write(i);
    stream.end();
    const seen: number[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) seen.push(r.value);
    expect(seen).toEqual([...Array(10).keys()]);
  });

  it('leaving early neither destroys the stream nor leaves listeners on it', async () => {
    const stream = new PassThrough({ encoding: 'utf8' });
    stream.write('a');
    stream.write('b');
    const before = stream.listenerCount('data');
    for await (const chunk of chunksOf<string>(stream)) {
      expect(chunk).toBe('a');
      break;
    }
    expect(stream.destroyed).toBe(false);
    expect(stream.listenerCount('data')).toBe(before);
    expect(stream.listenerCount('end')).toBe(0);
  });

  it('a next() waiting when the iteration is left resolves as done', async () => {
    const stream = new PassThrough();
    const it = chunksOf(stream);
    const pending = it.next();
    await it.return!();
    expect(await pending).toEqual({ value: undefined, done: true });
  });
});
