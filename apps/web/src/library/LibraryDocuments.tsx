import type { DocumentView } from '../streaming/documentStatus.js';
import { Icon } from '../ui/Icon.js';
import { Spinner } from '../ui/ProgressBar.js';
import { DocumentList } from './DocumentList.js';

type Props = {
  /** True until the first load of the documents answers. */
  loading: boolean;
  /** The documents shown, newest first. */
  documents: DocumentView[];
  loadError: string | null;
  classNames: Record<string, string>;
  showClass: boolean;
  onDelete: (doc: DocumentView) => void;
};

/** The library's documents as they load: the load error, a spinner, the empty state or the list. */
export function LibraryDocuments({ loading, documents, loadError, classNames, showClass, onDelete }: Props) {
  return (
    <>
      {loadError && (
        <p className="form-error" role="alert">
          {loadError}
        </p>
      )}
      {loading && !loadError ? (
        <div className="library__loading">
          <Spinner label="Loading documents" />
        </div>
      ) : documents.length === 0 ? (
        <div className="empty empty--inline">
          <Icon name="book" size={28} className="empty__icon" />
          <h2 className="empty__title">No documents yet</h2>
          <p className="empty__text">
            Upload lecture slides, readings or notes. Once they are processed you can ask questions about them
            and every answer cites the page it came from.
          </p>
        </div>
      ) : (
        <DocumentList
          documents={documents}
          classNames={classNames}
          showClass={showClass}
          onDelete={onDelete}
        />
      )}
    </>
  );
}
