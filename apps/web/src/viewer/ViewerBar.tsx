import type { DocumentDto } from '@classchat/contracts';
import { Icon } from '../ui/Icon.js';
import { OutlineNav } from './OutlineNav.js';
import { Pager, ZoomControls } from './ViewerControls.js';

/**
 * The viewer's toolbar: back, the document's name, and for a paged document its contents, pager
 * and zoom; the original file to download once the document is known.
 */
export function ViewerBar({
  doc,
  fallbackTitle,
  fileUrl,
  paged,
  page,
  pageCount,
  zoom,
  onZoom,
  onGo,
  onBack,
}: {
  doc: DocumentDto | null;
  /** Shown until the document is known: the name the citation gave, if any. */
  fallbackTitle: string | undefined;
  fileUrl: string;
  paged: boolean;
  page: number;
  pageCount: number | null;
  zoom: number;
  onZoom: (zoom: number) => void;
  onGo: (page: number) => void;
  onBack: () => void;
}) {
  return (
    <header className="viewer__bar">
      <button type="button" className="btn btn-small btn-ghost" aria-label="Back" onClick={onBack}>
        <Icon name="chevronLeft" size={16} /> <span className="hide-narrow">Back</span>
      </button>
      <h1 className="viewer__title" title={doc?.fileName}>
        {doc?.fileName ?? fallbackTitle ?? 'Document'}
      </h1>
      {paged && doc?.outline && doc.outline.length > 0 && (
        <OutlineNav outline={doc.outline} page={page} onGo={onGo} />
      )}
      {paged && <Pager page={page} pageCount={pageCount} onGo={onGo} />}
      {paged && <ZoomControls zoom={zoom} onZoom={onZoom} />}
      {doc && (
        <a
          className="btn btn-small btn-secondary viewer__download"
          href={fileUrl}
          download={doc.fileName}
          aria-label="Download original"
        >
          <Icon name="external" size={16} /> <span className="hide-narrow">Original</span>
        </a>
      )}
    </header>
  );
}
