import { Link } from 'react-router-dom';
import { statusSummary, type DocumentView } from '../streaming/documentStatus.js';
import { formatBytes, formatDate } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import { ProgressBar } from '../ui/ProgressBar.js';
import { fileKind, KIND_LABEL } from './uploadRules.js';

export function DocumentList({
  documents,
  classNames,
  showClass,
  onDelete,
}: {
  documents: DocumentView[];
  classNames: Record<string, string>;
  showClass: boolean;
  onDelete: (doc: DocumentView) => void;
}) {
  return (
    <ul className="doc-list" aria-label="Documents" data-testid="document-list">
      {documents.map((doc) => (
        <DocumentRow
          key={doc.id}
          doc={doc}
          className={showClass && doc.classId ? classNames[doc.classId] : undefined}
          onDelete={() => onDelete(doc)}
        />
      ))}
    </ul>
  );
}

function DocumentRow({
  doc,
  className,
  onDelete,
}: {
  doc: DocumentView;
  className?: string;
  onDelete: () => void;
}) {
  const kind = fileKind(doc.fileName, doc.mimeType);
  const busy = doc.status === 'uploaded' || doc.status === 'processing';
  return (
    <li className="doc-row" data-testid="document-row" data-document-id={doc.id} data-status={doc.status}>
      <span className={`doc-row__kind doc-row__kind--${kind}`} aria-hidden="true">
        {KIND_LABEL[kind]}
      </span>
      <div className="doc-row__main">
        <div className="doc-row__title">
          {doc.status === 'ready' ? (
            <Link to={`/documents/${doc.id}?page=1`} className="doc-row__name">
              {doc.fileName}
            </Link>
          ) : (
            <span className="doc-row__name">{doc.fileName}</span>
          )}
        </div>
        <p className="doc-row__meta">
          {formatBytes(doc.byteSize)} · added {formatDate(doc.createdAt)}
          {className && <span className="chip chip--muted">{className}</span>}
        </p>
        <div className={`doc-row__status doc-row__status--${doc.status}`} aria-live="polite">
          <span data-testid="document-status">{statusSummary(doc)}</span>
          {busy && <ProgressBar value={doc.progress} label={`Processing ${doc.fileName}`} />}
        </div>
      </div>
      <div className="doc-row__actions">
        {doc.status === 'ready' && (
          <Link
            to={`/chat?doc=${doc.id}${doc.classId ? `&class=${doc.classId}` : ''}`}
            className="btn btn-small btn-secondary"
            aria-label={`Ask about ${doc.fileName}`}
          >
            <Icon name="chat" size={16} />
            <span className="hide-narrow">Ask</span>
          </Link>
        )}
        <button
          type="button"
          className="icon-btn"
          aria-label={`Delete ${doc.fileName}`}
          title="Delete document"
          onClick={onDelete}
          data-testid="document-delete"
        >
          <Icon name="trash" />
        </button>
      </div>
    </li>
  );
}
