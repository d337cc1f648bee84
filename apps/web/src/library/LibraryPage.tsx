import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ClassesPanel } from './ClassesPanel.js';
import { LibraryHeader } from './LibraryHeader.js';
import { LibraryDialogs, type LibraryDialog } from './LibraryDialogs.js';
import { LibraryDocuments } from './LibraryDocuments.js';
import { LibraryUploads } from './LibraryUploads.js';
import { StorageMeter } from './StorageMeter.js';
import { useLibraryData } from './useLibraryData.js';
import { useLibraryViews } from './useLibraryViews.js';
import './library.css';

export function LibraryPage() {
  const [params, setParams] = useSearchParams();
  const selectedId = params.get('class');
  const library = useLibraryData();
  const { selectedClass, classNames, views, counts } = useLibraryViews(library, selectedId);
  const [dialog, setDialog] = useState<LibraryDialog>(null);

  function select(id: string | null) {
    setParams(id ? { class: id } : {});
  }

  return (
    <main className="library" id="main">
      <ClassesPanel
        classes={library.classes}
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

        <StorageMeter storage={library.storage} />
        <LibraryUploads
          classId={selectedId}
          className={selectedClass?.name ?? null}
          onUploaded={(doc) => {
            library.addDocument(doc);
            void library.refreshClasses();
            void library.refreshStorage();
          }}
        />

        <LibraryDocuments
          loading={library.documents === null}
          documents={views}
          loadError={library.loadError}
          classNames={classNames}
          showClass={selectedId === null}
          onDelete={(doc) => setDialog({ kind: 'delete-document', doc })}
        />
      </section>

      <LibraryDialogs
        dialog={dialog}
        onClose={() => setDialog(null)}
        onSelect={select}
        refreshClasses={library.refreshClasses}
        refreshStorage={library.refreshStorage}
        removeDocuments={library.removeDocuments}
      />
    </main>
  );
}
