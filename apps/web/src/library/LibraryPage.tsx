import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { withLiveStatus } from '../streaming/documentStatus.js';
import { ClassesPanel, countDocuments } from './ClassesPanel.js';
import { LibraryHeader } from './LibraryHeader.js';
import { LibraryDialogs, type LibraryDialog } from './LibraryDialogs.js';
import { LibraryDocuments } from './LibraryDocuments.js';
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

        <LibraryDocuments
          loading={documents === null}
          documents={views}
          loadError={loadError}
          classNames={classNames}
          showClass={selectedId === null}
          onDelete={(doc) => setDialog({ kind: 'delete-document', doc })}
        />
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
