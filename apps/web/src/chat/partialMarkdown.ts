import remend from 'remend';

/**
 * An answer's text while it is still being written, with the Markdown it has opened but not yet
 * closed (emphasis, bold, inline code, a formula block) closed for display. Without it a student
 * reads raw symbols such as `_Offline answer (no language` or `**Section 12` until the closing mark
 * arrives. A link whose address is still arriving shows as its text alone rather than a dead link.
 * The saved answer is rendered as written; this only shapes what is shown mid-stream.
 */
export function closeOpenMarkdown(text: string): string {
  return remend(text, { linkMode: 'text-only' });
}
