/**
 * Deterministic stand-in embeddings: a hashed bag of words plus character trigrams, signed and
 * L2-normalised. Same text → same vector; texts sharing words (or word pieces) have a clearly
 * higher cosine similarity than unrelated ones, so retrieval tests rank sensibly.
 */

const STOPWORDS = new Set(
  (
    'a an and are as at be been but by can do does did for from had has have how i if in into is it its ' +
    'me my no not of on or our so than that the their them then there these they this those to was we ' +
    'were what when where which who why will with you your about'
  ).split(' '),
);

const WORD_WEIGHT = 1;
const TRIGRAM_WEIGHT = 0.35;

function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // murmur3 finaliser: spread the bits so `% dimensions` and the sign bit are independent.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

function add(vector: Float64Array, feature: string, weight: number): void {
  const h = hash32(feature, 0);
  const sign = hash32(feature, 0x9e3779b9) & 1 ? 1 : -1;
  vector[h % vector.length]! += sign * weight;
}

/** The fake's embedding of `text` as float32 values (what the wire carries), unit length. */
export function fakeEmbedding(text: string, dimensions = 512): Float32Array {
  if (!Number.isInteger(dimensions) || dimensions < 1) throw new RangeError('dimensions must be ≥ 1');
  const acc = new Float64Array(dimensions);
  const words =
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  let features = 0;
  for (const raw of words) {
    if (STOPWORDS.has(raw)) continue;
    const word = stem(raw);
    add(acc, `w:${word}`, WORD_WEIGHT);
    const padded = `#${word}#`;
    for (let i = 0; i + 3 <= padded.length; i++) add(acc, `t:${padded.slice(i, i + 3)}`, TRIGRAM_WEIGHT);
    features++;
  }
  if (features === 0) add(acc, `raw:${text}`, 1);
  let norm = 0;
  for (const v of acc) norm += v * v;
  norm = Math.sqrt(norm);
  const out = new Float32Array(dimensions);
  if (norm === 0) {
    out[hash32(text, 7) % dimensions] = 1;
    return out;
  }
  for (let i = 0; i < dimensions; i++) out[i] = acc[i]! / norm;
  return out;
}

/** Cosine similarity of two equal-length vectors. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError('vectors differ in length');
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** A float32 vector as OpenAI's `encoding_format: 'base64'` carries it (little-endian bytes). */
export function embeddingToBase64(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}
