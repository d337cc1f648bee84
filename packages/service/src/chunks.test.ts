import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chunkBatchesOf, chunksOf } from './chunks.js';

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

describe('chunkBatchesOf', () => {
  it('hands the chunks of one go to a waiting next() together, and later ones in the next batch', async () => {
    const stream = new PassThrough({ objectMode: true });
    const it = chunkBatchesOf<string>(stream);
    const first = it.next();
    // One socket read of several HTTP chunks: their data events come one after another, in one go.
    stream.write('a');
    stream.write('b');
    stream.write('c');
    expect(await first).toEqual({ value: ['a', 'b', 'c'], done: false });
    const second = it.next();
    await new Promise((resolve) => setImmediate(resolve));
    stream.write('d');
    expect(await second).toEqual({ value: ['d'], done: false });
  });

  it('takes everything that came while nobody asked in one batch', async () => {
    const stream = new PassThrough({ encoding: 'utf8' });
    const it = chunkBatchesOf<string>(stream);
    stream.write('a');
    await new Promise((resolve) => setImmediate(resolve));
    stream.write('b');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await it.next()).toEqual({ value: ['a', 'b'], done: false });
  });

  it('yields every chunk in order and then ends, with the last batch taken before the end', async () => {
    const stream = new PassThrough({ objectMode: true });
    const read = (async () => {
      const seen: number[] = [];
      for await (const batch of chunkBatchesOf<number>(stream)) seen.push(...batch);
      return seen;
    })();
    for (let i = 0; i < 5; i++) stream.write(i);
    await new Promise((resolve) => setImmediate(resolve));
    stream.write(5);
    stream.end(6);
    expect(await read).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("rejects with the stream's error once the chunks before it are taken", async () => {
    const stream = new PassThrough({ objectMode: true });
    const it = chunkBatchesOf<string>(stream);
    const first = it.next();
    stream.write('a');
    stream.destroy(new Error('boom'));
    expect(await first).toEqual({ value: ['a'], done: false });
    await expect(it.next()).rejects.toThrow('boom');
  });

  it('rejects with a premature close when the stream is destroyed before its end', async () => {
    const stream = new PassThrough();
    const pending = chunkBatchesOf(stream).next();
    stream.destroy();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('pauses the stream while many chunks wait, and resumes it once they are taken', async () => {
    const stream = new PassThrough({ objectMode: true });
    const it = chunkBatchesOf<number>(stream, 4);
    for (let i = 0; i < 4; i++) stream.write(i);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.isPaused()).toBe(true);
    expect(await it.next()).toEqual({ value: [0, 1, 2, 3], done: false });
    expect(stream.isPaused()).toBe(false);
  });

  it('leaving early neither destroys the stream nor leaves listeners on it', async () => {
    const stream = new PassThrough({ encoding: 'utf8' });
    stream.write('a');
    const before = stream.listenerCount('data');
    for await (const batch of chunkBatchesOf<string>(stream)) {
      expect(batch).toEqual(['a']);
      break;
    }
    expect(stream.destroyed).toBe(false);
    expect(stream.listenerCount('data')).toBe(before);
    expect(stream.listenerCount('end')).toBe(0);
  });
});
