import { ClassName, type ClassDto } from '@classchat/contracts';
import { classesApi } from '../api/classes.js';
import { documentsApi } from '../api/documents.js';
import type { DocumentView } from '../streaming/documentStatus.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { TextPromptDialog } from '../ui/TextPromptDialog.js';
import { useToast } from '../ui/Toasts.js';
import type { LibraryData } from './useLibraryData.js';

/** The library's open dialog, if any: creating or renaming a class, or confirming a deletion. */
export type LibraryDialog =
  | { kind: 'create-class' }
  | { kind: 'rename-class'; cls: ClassDto }
  | { kind: 'delete-class'; cls: ClassDto }
  | { kind: 'delete-document'; doc: DocumentView }
  | null;

const validateClassName = (name: string) => {
  const r = ClassName.safeParse(name);
  return r.success ? null : (r.error.issues[0]?.message ?? 'Enter a class name');
};

type Props = Pick<LibraryData, 'refreshClasses' | 'refreshStorage' | 'removeDocuments'> & {
  dialog: LibraryDialog;
  onClose: () => void;
  /** Shows a class (or, with null, all documents) in the library. */
  onSelect: (classId: string | null) => void;
};

/** The library's class and document dialogs, each doing its change and bringing the library up to date. */
export function LibraryDialogs({
  dialog,
  onClose,
  onSelect,
  refreshClasses,
  refreshStorage,
  removeDocuments,
}: Props) {
  const toast = useToast();
  return (
    <>
      {dialog?.kind === 'create-class' && (
        <TextPromptDialog
          title="New class"
          label="Class name"
          placeholder="e.g. Linear Algebra"
          submitLabel="Create class"
          maxLength={120}
          validate={validateClassName}
          testId="class-dialog"
          onClose={onClose}
          onSubmit={async (name) => {
            const created = await classesApi.create(name);
            await refreshClasses();
            if (created.id) onSelect(created.id);
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
          onClose={onClose}
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
          onClose={onClose}
          onConfirm={async () => {
            await classesApi.remove(dialog.cls.id);
            const gone = dialog.cls.id;
            removeDocuments((d) => d.classId === gone);
            onSelect(null);
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
          onClose={onClose}
          onConfirm={async () => {
            await documentsApi.remove(dialog.doc.id);
            removeDocuments((d) => d.id === dialog.doc.id);
            await refreshClasses();
            void refreshStorage();
          }}
        />
      )}
    </>
  );
}
