/**
 * Text comparison for the grounding benchmark, insensitive to case, whitespace and typography: PDF
 * text and answers differ in line breaks, ligatures (ﬁ), curly quotes and Unicode minus signs, none
 * of which change what a student reads.
 */

/** Lowercase, NFKC, straight quotes, ASCII hyphens, no soft hyphens and no whitespace at all. */
export function squash(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201a\u201b\u2032`´]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\u00ad/g, '')
    .replace(/\s+/g, '');
}

/** Whether `text` contains `snippet`, ignoring case, whitespace and typography. */
export function containsSnippet(text: string, snippet: string): boolean {
  const wanted = squash(snippet);
  return wanted.length > 0 && squash(text).includes(wanted);
}

/**
 * Markdown source as a student reads it rendered: a backslash before ASCII punctuation (`m = \[a,b]`,
 * `3\*x`) is an escape the renderer drops (CommonMark), so it is dropped here too.
 */
export function withoutMarkdownEscapes(markdown: string): string {
  return markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}
