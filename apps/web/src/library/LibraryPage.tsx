import { ClassName, type ClassDto } from '@classchat/contracts';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { classesApi } from '../api/classes.js';
import { documentsApi } from '../api/documents.js';
import { withLiveStatus, type DocumentView } from '../streaming/documentStatus.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { Icon } from '../ui/Icon.js';
import { Spinner } from '../ui/ProgressBar.js';
import { TextPromptDialog } from '../ui/TextPromptDialog.js';
import { useToast } from '../ui/Toasts.js';
import { ClassesPanel, countDocuments } from './ClassesPanel.js';
import { DocumentList } from './DocumentList.js';
import { StorageMeter } from './StorageMeter.js';
import { UploadDropzone, UploadQueue } from './UploadDropzone.js';
import { useLibraryData } from './useLibraryData.js';
import { useUploads } from './useUploads.js';
import './library.css';

type DialogState =
  | { kind: 'create-class' }
  | { kind: 'rename-class'; cls: ClassDto }
  | { kind: 'delete-class'; cls: ClassDto }
  | { kind: 'delete-document'; doc: DocumentView }
  | null;

export function LibraryPage() {
  const toast = useToast();
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
  const [dialog, setDialog] = useState<DialogState>(null);

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

  const validateClassName = (name: string) => {
    const r = ClassName.safeParse(name);
    return r.success ? null : (r.error.issues[0]?.message ?? 'Enter a class name');
  };

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
        <header className="library__header">
          <div>
            <p className="eyebrow">Library</p>
            <h1 id="library-title" className="page-title">
              {selectedClass ? selectedClass.name : 'All documents'}
            </h1>
          </div>
          {selectedClass && (
            <div className="library__header-actions">
              <button
                type="button"
                className="btn btn-small btn-secondary"
                onClick={() => setDialog({ kind: 'rename-class', cls: selectedClass })}
                data-testid="class-rename"
              >
                <Icon name="pencil" size={16} /> Rename
              </button>
              <button
                type="button"
                className="btn btn-small btn-danger-ghost"
                onClick={() => setDialog({ kind: 'delete-class', cls: selectedClass })}
                data-testid="class-delete"
              >
                <Icon name="trash" size={16} /> Delete class
              </button>
            </div>
          )}
        </header>

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

      {dialog?.kind === 'create-class' && (
        <TextPromptDialog
          title="New class"
          label="Class name"
          placeholder="e.g. Linear Algebra"
          submitLabel="Create class"
          maxLength={120}
          validate={validateClassName}
          testId="class-dialog"
          onClose={() => setDialog(null)}
          onSubmit={async (name) => {
            const created = await classesApi.create(name);
            await refreshClasses();
            if (created.id) select(created.id);
            toast.show({ message: `Created “${name}”`, tone: 'success' });
          }}
        />
      )}
      {dialog?.kind === 'rename-class' && (
        <TextPromptDialog
          title="Rename class"
          label="Class name"
          initialValue={dialog.cls.name}
          submitLabel="Save"
          maxLength={120}
          validate={validateClassName}
          testId="class-dialog"
          onClose={() => setDialog(null)}
          onSubmit={async (name) => {
            await classesApi.rename(dialog.cls.id, name);
            await refreshClasses();
          }}
        />
      )}
      {dialog?.kind === 'delete-class' && (
        <ConfirmDialog
          title={`Delete “${dialog.cls.name}”?`}
          message={
            <>
              <p>
                This deletes the class{' '}
                <strong>
                  and its {dialog.cls.documentCount}{' '}
                  {dialog.cls.documentCount === 1 ? 'document' : 'documents'}
                </strong>
                , including their processed pages. Chats that used them will no longer be able to cite them.
              </p>
              <p className="muted">This cannot be undone.</p>
            </>
          }
          confirmLabel="Delete class and documents"
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await classesApi.remove(dialog.cls.id);
            const gone = dialog.cls.id;
            removeDocuments((d) => d.classId === gone);
            select(null);
            await refreshClasses();
            void refreshStorage();
            toast.show({ message: `Deleted “${dialog.cls.name}”`, tone: 'success' });
          }}
        />
      )}
      {dialog?.kind === 'delete-document' && (
        <ConfirmDialog
          title={`Delete “${dialog.doc.fileName}”?`}
          message="The file and its processed passages are removed. Answers that cited it keep their text but the citation can no longer be opened."
          confirmLabel="Delete document"
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await documentsApi.remove(dialog.doc.id);
            removeDocuments((d) => d.id === dialog.doc.id);
            await refreshClasses();
            void refreshStorage();
          }}
        />
      )}
    </main>
  );
}
