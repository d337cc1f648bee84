import { useRef, type ReactNode } from 'react';
import { Dialog } from './Dialog.js';
import { useConfirmAction } from './useConfirmAction.js';

export interface ConfirmDialogProps {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  tone?: 'danger' | 'primary';
  onConfirm: () => Promise<void> | void;
  onClose: () => void;
}

/** "Are you sure?" with the safe choice focused first; shows the error if the action fails. */
export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  tone = 'danger',
  onConfirm,
  onClose,
}: ConfirmDialogProps) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const { busy, error, run } = useConfirmAction(onConfirm, onClose);

  return (
    <Dialog
      title={title}
      onClose={onClose}
      description={message}
      initialFocus={cancelRef}
      testId="confirm-dialog"
      footer={
        <>
          <button
            ref={cancelRef}
            type="button"
            className="btn btn-secondary"
            onClick={onClose}
            disabled={busy}
          >
            Cancel
          </button>
          <button
            type="button"
            className={`btn ${tone === 'danger' ? 'btn-danger' : 'btn-primary'}`}
            onClick={() => void run()}
            disabled={busy}
            data-testid="confirm-dialog-confirm"
          >
            {busy ? 'Working…' : confirmLabel}
          </button>
        </>
      }
    >
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
