import type { SessionDto } from '@classchat/contracts';
import type { Dispatch, SetStateAction } from 'react';
import { useNavigate } from 'react-router-dom';
import { chatApi } from '../api/chat.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { TextPromptDialog } from '../ui/TextPromptDialog.js';

export type SessionDialog = { kind: 'rename' | 'delete'; session: SessionDto } | null;

/** The sidebar's rename and delete dialogs, and what each does to the session list once the api agrees. */
export function SessionDialogs({
  dialog,
  currentId,
  setSessions,
  onClose,
}: {
  dialog: SessionDialog;
  currentId: string | null;
  setSessions: Dispatch<SetStateAction<SessionDto[] | null>>;
  onClose: () => void;
}) {
  const navigate = useNavigate();
  if (dialog?.kind === 'rename') {
    return (
      <TextPromptDialog
        title="Rename chat"
        label="Title"
        initialValue={dialog.session.title}
        submitLabel="Save"
        maxLength={200}
        testId="session-rename-dialog"
        onClose={onClose}
        onSubmit={async (title) => {
          await chatApi.rename(dialog.session.id, title);
          setSessions((list) => list?.map((s) => (s.id === dialog.session.id ? { ...s, title } : s)) ?? list);
        }}
      />
    );
  }
  if (dialog?.kind === 'delete') {
    return (
      <ConfirmDialog
        title="Delete this chat?"
        message={`“${dialog.session.title || 'Untitled chat'}” and all its messages will be deleted. Your documents are not affected.`}
        confirmLabel="Delete chat"
        onClose={onClose}
        onConfirm={async () => {
          await chatApi.remove(dialog.session.id);
          setSessions((list) => list?.filter((s) => s.id !== dialog.session.id) ?? list);
          if (dialog.session.id === currentId) void navigate('/chat');
        }}
      />
    );
  }
  return null;
}
