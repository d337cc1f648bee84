/**
 * The baseline: plain BM25 over whole pages (k1 = 1.2, b = 0.75, IDF ln(1 + (N − df + 0.5)/(df + 0.5))),
 * lowercase word tokens minus a few English stopwords, no stemming. What a student would get from
 * the simplest search engine over the same PDFs.
 */
export interface BaselinePage {
  file: string;
  page: number;
  text: string;
}

export interface BaselineHit {
  file: string;
  page: number;
  score: number;
}

const K1 = 1.2;
const B = 0.75;
const STOPWORDS = new Set(
  'a an and are as at be but by can do does for from how i if in into is it its my of on or so that the their then there these this to was what when where which who why will with you your'.split(
    ' ',
  ),
);

export function tokenize(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []).filter((t) => !STOPWORDS.has(t));
}

export function buildBm25(pages: readonly BaselinePage[]): (query: string, k?: number) => BaselineHit[] {
  const docs = pages.map((p) => {
    const tf = new Map<string, number>();
    const tokens = tokenize(p.text);
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    return { ...p, tf, length: tokens.length };
  });
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const avgLength = docs.reduce((s, d) => s + d.length, 0) / Math.max(1, docs.length);
  const idf = (t: string) => {
    const n = df.get(t) ?? 0;
    return Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
  };
  return (query, k = 3) => {
    const terms = [...new Set(tokenize(query))];
    return docs
      .map((d) => {
        let score = 0;
        for (const t of terms) {
          const f = d.tf.get(t) ?? 0;
          if (f > 0) score += (idf(t) * f * (K1 + 1)) / (f + K1 * (1 - B + (B * d.length) / avgLength));
        }
        return { file: d.file, page: d.page, score };
      })
      .filter((h) => h.score > 0)
      .sort((a, b) => b.score - a.score || a.file.localeCompare(b.file) || a.page - b.page)
      .slice(0, k);
  };
}
