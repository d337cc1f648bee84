/**
 * Locating a cited passage in a page's text, for highlighting. The page text comes in pieces (PDF
 * text items, or one whole text file); the passage is found by its snippet, compared with
 * whitespace collapsed and case ignored (PDF text items rarely carry the line breaks and spacing of
 * the server's extraction). If the whole snippet is not there, its first words anchor an
 * approximate range; if even those are missing, the citation's char offsets are used.
 */

export interface PassageHint {
  snippet?: string | null;
  charStart?: number | null;
  charEnd?: number | null;
}

export interface PieceRange {
  piece: number;
  start: number;
  end: number;
}

interface NormalizedText {
  text: string;
  /** For each char of `text`: [piece, offset in piece], or null for a separator we inserted. */
  origin: ([number, number] | null)[];
}

const SPACE = /\s/;

export function normalizeForSearch(s: string): string {
  return s
    .replace(/^(\s|…|\.\.\.)+|(\s|…|\.\.\.)+$/g, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

function normalizePieces(pieces: readonly string[]): NormalizedText {
  let text = '';
  const origin: NormalizedText['origin'] = [];
  pieces.forEach((piece, p) => {
    if (text.length > 0 && !text.endsWith(' ') && piece.length > 0 && !SPACE.test(piece[0]!)) {
      text += ' ';
      origin.push(null);
    }
    for (let i = 0; i < piece.length; i++) {
      const ch = piece[i]!;
      if (SPACE.test(ch)) {
        if (text.length === 0 || text.endsWith(' ')) continue;
        text += ' ';
      } else {
        text += ch.toLowerCase();
      }
      origin.push([p, i]);
    }
  });
  return { text, origin };
}

/** Where `hint` sits in `pieces`, as a range per piece; [] when it cannot be found. */
export function locatePassage(pieces: readonly string[], hint: PassageHint): PieceRange[] {
  const norm = normalizePieces(pieces);
  const found = findInNormalized(norm.text, hint.snippet ?? '');
  if (found) return toPieceRanges(norm, found[0], found[1]);
  if (hint.charStart != null && hint.charEnd != null && hint.charEnd > hint.charStart) {
    return rangesFromRawOffsets(pieces, hint.charStart, hint.charEnd);
  }
  return [];
}

function findInNormalized(haystack: string, snippet: string): [number, number] | null {
  const needle = normalizeForSearch(snippet);
  if (needle.length < 3 || haystack.length === 0) return null;
  const exact = haystack.indexOf(needle);
  if (exact !== -1) return [exact, exact + needle.length];
  const words = needle.split(' ');
  for (const count of [12, 8, 5]) {
    if (words.length <= count && count !== 5) continue;
    const prefix = words.slice(0, count).join(' ');
    if (prefix.length < 12) continue;
    const at = haystack.indexOf(prefix);
    if (at !== -1) return [at, Math.min(haystack.length, at + needle.length)];
  }
  // The passage may begin on the previous page: anchor on its last words instead.
  for (const count of [8, 5]) {
    const suffix = words.slice(-count).join(' ');
    if (suffix.length < 12) continue;
    const at = haystack.indexOf(suffix);
    if (at !== -1) return [Math.max(0, at + suffix.length - needle.length), at + suffix.length];
  }
  return null;
}

function toPieceRanges(norm: NormalizedText, start: number, end: number): PieceRange[] {
  const ranges: PieceRange[] = [];
  for (let i = start; i < end; i++) {
    const o = norm.origin[i];
    if (!o) continue;
    const [piece, offset] = o;
    const last = ranges.at(-1);
    if (last?.piece === piece) last.end = offset + 1;
    else ranges.push({ piece, start: offset, end: offset + 1 });
  }
  return ranges;
}

function rangesFromRawOffsets(pieces: readonly string[], start: number, end: number): PieceRange[] {
  const ranges: PieceRange[] = [];
  let offset = 0;
  pieces.forEach((piece, p) => {
    const from = Math.max(start, offset);
    const to = Math.min(end, offset + piece.length);
    if (to > from) ranges.push({ piece: p, start: from - offset, end: to - offset });
    offset += piece.length;
  });
  return ranges;
}

/** Split `text` into [before, marked, after] parts for one range. */
export function splitForMark(text: string, start: number, end: number): [string, string, string] {
  return [text.slice(0, start), text.slice(start, end), text.slice(end)];
}
