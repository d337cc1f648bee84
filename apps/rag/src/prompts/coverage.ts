import { citationMarker, type DocumentStatus } from '@classchat/contracts';
import { pageLabel } from './prompts.js';

/** A document of the scope, as the "no material" answer describes it. */
export interface MaterialDocument {
  fileName: string;
  status: DocumentStatus;
  error: string | null;
}

/** What the student asked in: a class, one document, or everything they uploaded. */
export type ScopeKind = 'class' | 'document' | 'all';

/** A section to point the student to: the best chunk found in it. */
export interface ClosestSection {
  fileName: string;
  pageStart: number;
  pageEnd: number;
  sectionPath: readonly string[];
  sectionPageStart: number | null;
  sectionPageEnd: number | null;
}

const quoted = (name: string) => `“${name}”`;

const names = (docs: readonly MaterialDocument[]) => {
  const all = docs.map((d) => quoted(d.fileName));
  if (all.length <= 3)
    return all.length === 1 ? all[0]! : `${all.slice(0, -1).join(', ')} and ${all.at(-1)!}`;
  return `${all.slice(0, 2).join(', ')} and ${all.length - 2} more`;
};

const isProcessing = (d: MaterialDocument) => d.status === 'uploaded' || d.status === 'processing';

/**
 * The answer when the scope holds nothing to answer from: no documents, an empty class, documents
 * still processing, or only documents that could not be read. It costs the student nothing.
 */
export function noMaterialAnswer(documents: readonly MaterialDocument[], scope: ScopeKind): string {
  const processing = documents.filter(isProcessing);
  if (processing.length > 0) {
    const verb = processing.length === 1 ? 'is' : 'are';
    return (
      `${names(processing)} ${verb} still processing — ready in a few seconds. ` +
      'Ask again once it shows as ready in your library, and I will answer from it.'
    );
  }
  const failed = documents.filter((d) => d.status === 'failed');
  if (failed.length > 0) {
    const reason = failed.length === 1 && failed[0]!.error ? ` (${failed[0]!.error.replace(/\.$/, '')})` : '';
    return (
      `I could not read ${names(failed)}${reason}, so there is nothing to answer from yet. ` +
      'Upload the file again, or add other material, then ask again.'
    );
  }
  const where =
    scope === 'class'
      ? 'This class has no documents yet.'
      : scope === 'document'
        ? 'This document has no text to answer from.'
        : 'You have not uploaded any course material yet.';
  return `${where} Upload your notes, slides or readings in the library, then ask again: I answer from your own material.`;
}

/** "6.3 Data frames — R-intro.pdf, pages 27–29", or the file and pages when sections are unknown. */
export function sectionLabel(s: ClosestSection): string {
  const title = s.sectionPath.at(-1);
  const pages =
    title && s.sectionPageStart !== null
      ? pageLabel({ pageStart: s.sectionPageStart, pageEnd: s.sectionPageEnd ?? s.sectionPageStart })
      : pageLabel(s);
  return title ? `**${title}** — ${s.fileName}, ${pages}` : `${s.fileName}, ${pages}`;
}

/**
 * The answer when the scope has material but nothing in it answers the question well enough: says
 * so plainly, names the closest sections with their pages (each cited `【n】`, n = position in
 * `closest`, so they become links), and mentions documents still processing. It never guesses.
 */
export function notCoveredAnswer(input: {
  closest: readonly ClosestSection[];
  /** The part of the material the question named ("chapter 5"), if any. */
  named: readonly string[];
  processing: readonly MaterialDocument[];
}): string {
  const named = input.named.map((n) => n.trim().replace(/^(?:in|from|of|on|at)\s+/i, ''));
  const part = named.length > 0 ? ` (I looked at ${named.join(', ')})` : '';
  const lines = [
    `Your material does not seem to cover this${part}. I found no passage that answers it, so I will not guess.`,
  ];
  if (input.closest.length > 0) {
    lines.push(
      '',
      'The closest sections, in case the answer is there in other words:',
      ...input.closest.map((s, i) => `- ${sectionLabel(s)} ${citationMarker(i + 1)}`),
    );
  }
  if (input.processing.length > 0) {
    const verb = input.processing.length === 1 ? 'is' : 'are';
    lines.push('', `${names(input.processing)} ${verb} still processing; ask again once it is ready.`);
  }
  return lines.join('\n');
}
