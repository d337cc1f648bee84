import remend from 'remend';

/**
 * An answer's text while it is still being written, with the emphasis, bold, inline code and formula
 * blocks it has opened but not yet closed closed for display. Without it a student reads raw symbols
 * such as `_Offline answer (no language` or `**Section 12` until the closing mark arrives. Completions
 * that would take back text already shown are off, so the visible text only ever grows: a link or a
 * `[1]` marker still arriving stays as written (not shortened to its label), and a line that could
 * become a heading is left alone. The saved answer is rendered as written.
 */
export function closeOpenMarkdown(text: string): string {
  return remend(text, { links: false, images: false, setextHeadings: false });
}
