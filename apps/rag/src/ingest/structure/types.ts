import type { OutlineEntry, PageKind } from '@classchat/contracts';
import type { MappedText } from './mapped-text.js';

/**
 * A document as a student reads it, in reading order. Plain data (it crosses a structured clone
 * when parsing runs in a worker thread).
 *
 * - `heading`: a heading line (its text is a section title, or looks like one).
 * - `paragraph`: prose; a PDF paragraph's lines are joined into one line of text.
 * - `lines`: text whose line breaks matter (code and preformatted text, contents and index entries).
 */
export type BlockKind = 'heading' | 'paragraph' | 'lines';

export interface TextBlock extends MappedText {
  kind: BlockKind;
  /** Physical page (1-based) of the block's first character; a paragraph may continue on the next page. */
  page: number;
}

/** A section: an outline entry and the block its heading is (or starts at). */
export interface Section extends OutlineEntry {
  /** Index into `DocumentStructure.blocks` where the section begins. */
  block: number;
}

export interface DocumentStructure {
  /** Everything worth indexing, in reading order (running headers and footers are not blocks). */
  blocks: TextBlock[];
  /** What each page is (`pageKinds[0]` is page 1). */
  pageKinds: PageKind[];
  /** Sections in reading order (outer before inner when they start at the same block). */
  sections: Section[];
}
