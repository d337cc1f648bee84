import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { withLiveStatus } from '../streaming/documentStatus.js';
import { Icon } from '../ui/Icon.js';
import { Spinner } from '../ui/ProgressBar.js';
import { ClassesPanel, countDocuments } from './ClassesPanel.js';
import { DocumentList } from './DocumentList.js';
import { LibraryHeader } from './LibraryHeader.js';
import { LibraryDialogs, type LibraryDialog } from './LibraryDialogs.js';
import { StorageMeter } from './StorageMeter.js';
import { UploadDropzone, UploadQueue } from './UploadDropzone.js';
import { useLibraryData } from './useLibraryData.js';
import { useUploads } from './useUploads.js';
import './library.css';

export function LibraryPage() {
  const [params, setParams] = useSearchParams();
  const selectedId = params.get('class');
  const {
    classes,
    documents,
    loadError,
    storage,
    live,
    refreshClasses,
    refreshStorage,
    addDocument,
    removeDocuments,
  } = useLibraryData();
  const [dialog, setDialog] = useState<LibraryDialog>(null);

  const uploads = useUploads((doc) => {
    addDocument(doc);
    void refreshClasses();
    void refreshStorage();
  });

  const selectedClass = classes.find((c) => c.id === selectedId) ?? null;
  const classNames = useMemo(() => Object.fromEntries(classes.map((c) => [c.id, c.name])), [classes]);
  const allViews = useMemo(
    () =>
      (documents ?? [])
        .map((d) => withLiveStatus(d, live[d.id]))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    [documents, live],
  );
  const views = useMemo(
    () => (selectedId ? allViews.filter((d) => d.classId === selectedId) : allViews),
    [allViews, selectedId],
  );
  const counts = useMemo(() => (documents ? countDocuments(allViews) : null), [documents, allViews]);

  function select(id: string | null) {
    setParams(id ? { class: id } : {});
  }

  return (
    <main className="library" id="main">
      <ClassesPanel
        classes={classes}
        selectedId={selectedId}
        counts={counts}
        onSelect={select}
        onCreate={() => setDialog({ kind: 'create-class' })}
      />
      <section className="library__content" aria-labelledby="library-title">
        <LibraryHeader
          selectedClass={selectedClass}
          onRename={(cls) => setDialog({ kind: 'rename-class', cls })}
          onDelete={(cls) => setDialog({ kind: 'delete-class', cls })}
        />

        <StorageMeter storage={storage} />
        <UploadDropzone
          targetLabel={selectedClass ? selectedClass.name : 'no class'}
          onFiles={(files) => uploads.addFiles(files, selectedId)}
        />
        <UploadQueue items={uploads.items} onDismiss={uploads.dismiss} />

        {loadError && (
          <p className="form-error" role="alert">
            {loadError}
          </p>
        )}
        {documents === null && !loadError ? (
          <div className="library__loading">
            <Spinner label="Loading documents" />
          </div>
        ) : views.length === 0 ? (
          <div className="empty empty--inline">
            <Icon name="book" size={28} className="empty__icon" />
            <h2 className="empty__title">No documents yet</h2>
            <p className="empty__text">
              Upload lecture slides, readings or notes. Once they are processed you can ask questions about
              them and every answer cites the page it came from.
            </p>
          </div>
        ) : (
          <DocumentList
            documents={views}
            classNames={classNames}
            showClass={selectedId === null}
            onDelete={(doc) => setDialog({ kind: 'delete-document', doc })}
          />
        )}
      </section>

      <LibraryDialogs
        dialog={dialog}
        onClose={() => setDialog(null)}
        onSelect={select}
        refreshClasses={refreshClasses}
        refreshStorage={refreshStorage}
        removeDocuments={removeDocuments}
      />
    </main>
  );
}
