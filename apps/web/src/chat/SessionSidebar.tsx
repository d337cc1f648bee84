import type { SessionDto, Usage } from '@classchat/contracts';
import { useMemo, useRef } from 'react';
import { Icon } from '../ui/Icon.js';
import { useFocusTrap } from '../ui/useFocusTrap.js';
import { groupSessionsByRecency } from './sessionGroups.js';
import { SessionListItem } from './SessionListItem.js';
import { UsageMeter } from './UsageMeter.js';

export interface SessionSidebarProps {
  sessions: SessionDto[] | null;
  currentId: string | null;
  usage: Usage | null;
  /** The latest answer found nothing in the material, so it did not count (shown by the meter). */
  lastAnswerFree?: boolean;
  /** Drawer mode (narrow screens): shown only while `open`. */
  drawer: boolean;
  open: boolean;
  onClose: () => void;
  onNew: () => void;
  onRename: (session: SessionDto) => void;
  onDelete: (session: SessionDto) => void;
}

/** Chats, most recent first, grouped by day; new chat on top, the plan meter at the bottom. */
export function SessionSidebar({
  sessions,
  currentId,
  usage,
  lastAnswerFree = false,
  drawer,
  open,
  onClose,
  onNew,
  onRename,
  onDelete,
}: SessionSidebarProps) {
  const ref = useRef<HTMLElement>(null);
  useFocusTrap(ref, drawer && open, onClose);

  return (
    <>
      {drawer && open && <div className="drawer-backdrop" onClick={onClose} aria-hidden="true" />}
      <aside
        ref={ref}
        className={`sidebar${drawer ? ' sidebar--drawer' : ''}${drawer && open ? ' is-open' : ''}`}
        aria-label="Chats"
        {...(drawer ? { role: 'dialog', 'aria-modal': open, hidden: !open } : {})}
        data-testid="session-sidebar"
      >
        <div className="sidebar__top">
          <button type="button" className="btn btn-primary btn-block" onClick={onNew} data-testid="new-chat">
            <Icon name="plus" size={18} /> New chat
          </button>
          {drawer && (
            <button type="button" className="icon-btn" onClick={onClose} aria-label="Close chat list">
              <Icon name="close" />
            </button>
          )}
        </div>
        <SessionList
          sessions={sessions}
          currentId={currentId}
          onOpen={onClose}
          onRename={onRename}
          onDelete={onDelete}
        />
        <div className="sidebar__bottom">
          <UsageMeter usage={usage} lastAnswerFree={lastAnswerFree} />
        </div>
      </aside>
    </>
  );
}

/** The chat history: loading, empty, or the chats grouped by recency. */
function SessionList({
  sessions,
  currentId,
  onOpen,
  onRename,
  onDelete,
}: Pick<SessionSidebarProps, 'sessions' | 'currentId' | 'onRename' | 'onDelete'> & { onOpen: () => void }) {
  const groups = useMemo(() => groupSessionsByRecency(sessions ?? []), [sessions]);
  return (
    <nav className="sidebar__list" aria-label="Chat history">
      {sessions === null ? (
        <p className="sidebar__empty">Loading chats…</p>
      ) : sessions.length === 0 ? (
        <p className="sidebar__empty">Your chats will appear here.</p>
      ) : (
        groups.map((g) => (
          <div key={g.label} className="sidebar__group">
            <h2 className="sidebar__group-title">{g.label}</h2>
            <ul>
              {g.items.map((s) => (
                <SessionListItem
                  key={s.id}
                  session={s}
                  current={s.id === currentId}
                  onOpen={onOpen}
                  onRename={onRename}
                  onDelete={onDelete}
                />
              ))}
            </ul>
          </div>
        ))
      )}
    </nav>
  );
}
