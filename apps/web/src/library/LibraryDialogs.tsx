import { ClassName, type ClassDto } from '@classchat/contracts';
import type { DocumentView } from '../streaming/documentStatus.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { TextPromptDialog, type TextPromptDialogProps } from '../ui/TextPromptDialog.js';
import { useLibraryActions, type LibraryActionDeps } from './useLibraryActions.js';

/** The library's open dialog, if any: creating or renaming a class, or confirming a deletion. */
export type LibraryDialog =
  | { kind: 'create-class' }
  | { kind: 'rename-class'; cls: ClassDto }
  | { kind: 'delete-class'; cls: ClassDto }
  | { kind: 'delete-document'; doc: DocumentView }
  | null;

type Props = LibraryActionDeps & {
  dialog: LibraryDialog;
  onClose: () => void;
};

/** The library's class and document dialogs, each doing its change (useLibraryActions) once confirmed. */
export function LibraryDialogs({ dialog, onClose, ...deps }: Props) {
  const actions = useLibraryActions(deps);
  return (
    <>
      {dialog?.kind === 'create-class' && (
        <ClassNameDialog
          title="New class"
          placeholder="e.g. Linear Algebra"
          submitLabel="Create class"
          onClose={onClose}
          onSubmit={actions.createClass}
        />
      )}
      {dialog?.kind === 'rename-class' && (
        <ClassNameDialog
          title="Rename class"
          initialValue={dialog.cls.name}
          submitLabel="Save"
          onClose={onClose}
          onSubmit={(name) => actions.renameClass(dialog.cls, name)}
        />
      )}
      {dialog?.kind === 'delete-class' && (
        <ConfirmDialog
          title={`Delete “${dialog.cls.name}”?`}
          message={<DeleteClassMessage documentCount={dialog.cls.documentCount} />}
          confirmLabel="Delete class and documents"
          onClose={onClose}
          onConfirm={() => actions.deleteClass(dialog.cls)}
        />
      )}
      {dialog?.kind === 'delete-document' && (
        <ConfirmDialog
          title={`Delete “${dialog.doc.fileName}”?`}
          message="The file and its processed passages are removed. Answers that cited it keep their text but the citation can no longer be opened."
          confirmLabel="Delete document"
          onClose={onClose}
          onConfirm={() => actions.deleteDocument(dialog.doc)}
        />
      )}
    </>
  );
}

const validateClassName = (name: string) => {
  const r = ClassName.safeParse(name);
  return r.success ? null : (r.error.issues[0]?.message ?? 'Enter a class name');
};

/** Naming a class, new or renamed, under the class-name rules. */
function ClassNameDialog(
  props: Pick<
    TextPromptDialogProps,
    'title' | 'initialValue' | 'placeholder' | 'submitLabel' | 'onSubmit' | 'onClose'
  >,
) {
  return (
    <TextPromptDialog
      {...props}
      label="Class name"
      maxLength={120}
      validate={validateClassName}
      testId="class-dialog"
    />
  );
}

function DeleteClassMessage({ documentCount }: { documentCount: number }) {
  return (
    <>
      <p>
        This deletes the class{' '}
        <strong>
          and its {documentCount} {documentCount === 1 ? 'document' : 'documents'}
        </strong>
        , including their processed pages. Chats that used them will no longer be able to cite them.
      </p>
      <p className="muted">This cannot be undone.</p>
    </>
  );
}
