import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { documentsApi } from '../api/documents.js';
import { fileKind } from '../library/uploadRules.js';
import { CitedPassage } from './CitedPassage.js';
import { DocumentStage } from './DocumentStage.js';
import { sectionLabel, sectionTitleFor } from './outline.js';
import { pageStepForKey } from './pageKeys.js';
import { useQuotedPassage } from './useQuotedPassage.js';
import { useViewerDocument } from './useViewerDocument.js';
import { useViewerTarget } from './useViewerTarget.js';
import { ViewerBar } from './ViewerBar.js';
import './viewer.css';

/**
 * `/documents/:id?page=N&start=S&end=E` — the original file at a 1-based physical page, with the
 * characters S..E of that page highlighted (`chunk=…` links saved before spans still open their page).
 */
export function ViewerPage() {
  const { id = '' } = useParams();
  const { doc, error, pageCount, setPageCount } = useViewerDocument(id);
  const { citation, cited, page, goTo, back } = useViewerTarget(pageCount);
  const { quoted, onPassage } = useQuotedPassage(id, cited, citation);
  const [zoom, setZoom] = useState(1);

  const citedPage = cited?.page ?? citation?.page ?? null;
  const kind = doc ? fileKind(doc.fileName, doc.mimeType) : null;
  const fileUrl = documentsApi.fileUrl(id);
  const paged = kind === 'pdf';
  const sectionTitle = sectionTitleFor(
    page,
    citation && citation.page === page ? citation.sectionPath : null,
    paged ? doc?.outline : null,
  );

  return (
    <main
      className="viewer"
      id="main"
      onKeyDown={(e) => {
        const step = paged ? pageStepForKey(e.key, e.target) : 0;
        if (step !== 0) goTo(page + step);
      }}
    >
      <div className="viewer__sticky">
        <ViewerBar
          doc={doc}
          fallbackTitle={citation?.fileName}
          fileUrl={fileUrl}
          paged={paged}
          page={page}
          pageCount={pageCount}
          zoom={zoom}
          onZoom={setZoom}
          onGo={goTo}
          onBack={back}
        />
      </div>

      {citedPage !== null && quoted && (
        <CitedPassage quoted={quoted} citedPage={citedPage} page={page} paged={paged} onGo={goTo} />
      )}

      <DocumentStage
        doc={doc}
        error={error}
        section={sectionTitle && (paged ? sectionLabel(sectionTitle, page) : sectionTitle)}
        shown={{ fileUrl, kind, page, zoom, cited, citation }}
        onLoaded={setPageCount}
        onPassage={onPassage}
      />
    </main>
  );
}
