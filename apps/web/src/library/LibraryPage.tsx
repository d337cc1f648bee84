import { ClassName, type ClassDto, type DocumentDto, type StorageUsage } from '@classchat/contracts';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { authApi } from '../api/auth.js';
import { classesApi } from '../api/classes.js';
import { documentsApi } from '../api/documents.js';
import { errorMessage } from '../api/http.js';
import { applyToClasses, applyToDocuments } from '../streaming/applyUserEvent.js';
import { withLiveStatus, type DocumentView } from '../streaming/documentStatus.js';
import { useDocumentEvents } from '../streaming/useDocumentEvents.js';
import { useUserEvents } from '../streaming/useUserEvents.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { Icon } from '../ui/Icon.js';
import { Spinner } from '../ui/ProgressBar.js';
import { TextPromptDialog } from '../ui/TextPromptDialog.js';
import { useToast } from '../ui/Toasts.js';
import { ClassesPanel, countDocuments } from './ClassesPanel.js';
import { DocumentList } from './DocumentList.js';
import { StorageMeter } from './StorageMeter.js';
import { UploadDropzone, UploadQueue } from './UploadDropzone.js';
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
  const [classes, setClasses] = useState<ClassDto[]>([]);
  // Every document of the user: the selected class's are a filter of it, and the counts come from it.
  const [documents, setDocuments] = useState<DocumentDto[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<DialogState>(null);
  const refreshClasses = useCallback(async () => {
    try {
      setClasses(await classesApi.list());
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }, []);
  const refreshDocuments = useCallback(async () => {
    try {
      setDocuments(await documentsApi.list());
      setLoadError(null);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void refreshClasses();
    void refreshDocuments();
  }, [refreshClasses, refreshDocuments]);

  // What the documents take of the user's storage quota; read again whenever it may have changed.
  const [storage, setStorage] = useState<StorageUsage | null>(null);
  const refreshStorage = useCallback(async () => {
    try {
      setStorage((await authApi.usage()).storage);
    } catch {
      // The meter is informative: the upload itself says when the library is full.
    }
  }, []);
  useEffect(() => {
    void refreshStorage();
  }, [refreshStorage]);

  const live = useDocumentEvents({
    onReady: () => void refreshClasses(),
    // A failed document's file is removed: it no longer takes any storage.
    onStatus: (status) => status.status === 'failed' && void refreshStorage(),
  });

  // What another tab or device changed: classes, documents and the storage meter follow at once.
  useUserEvents({
    onEvent: (event) => {
      setClasses((list) => applyToClasses(list, event));
      setDocuments((list) => list && applyToDocuments(list, event));
      if (event.type === 'usage-updated') setStorage(event.usage.storage);
    },
    onResync: () => {
      void refreshClasses();
      void refreshDocuments();
      void refreshStorage();
    },
  });

  const uploads = useUploads((doc) => {
    setDocuments((list) => list && [doc, ...list.filter((d) => d.id !== doc.id)]);
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
            setDocuments((list) => list?.filter((d) => d.classId !== gone) ?? list);
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
            setDocuments((list) => list?.filter((d) => d.id !== dialog.doc.id) ?? list);
            await refreshClasses();
            void refreshStorage();
          }}
        />
      )}
    </main>
  );
}
