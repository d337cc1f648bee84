import type { SessionDto, Usage } from '@classchat/contracts';
import { useMemo, useRef } from 'react';
import { Link } from 'react-router-dom';
import { recencyGroup } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import { useFocusTrap } from '../ui/useFocusTrap.js';
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

  const groups = useMemo(() => {
    const sorted = [...(sessions ?? [])].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    const out: { label: string; items: SessionDto[] }[] = [];
    for (const s of sorted) {
      const label = recencyGroup(s.updatedAt);
      const group = out.at(-1);
      if (group?.label === label) group.items.push(s);
      else out.push({ label, items: [s] });
    }
    return out;
  }, [sessions]);

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
                    <li
                      key={s.id}
                      className={`session${s.id === currentId ? ' is-current' : ''}`}
                      data-testid="session-item"
                      data-session-id={s.id}
                    >
                      <Link
                        to={`/chat/${s.id}`}
                        className="session__link"
                        aria-current={s.id === currentId ? 'page' : undefined}
                        onClick={onClose}
                      >
                        {s.title || 'Untitled chat'}
                      </Link>
                      <div className="session__actions">
                        <button
                          type="button"
                          className="icon-btn icon-btn--small"
                          aria-label={`Rename chat ${s.title}`}
                          onClick={() => onRename(s)}
                          data-testid="session-rename"
                        >
                          <Icon name="pencil" size={15} />
                        </button>
                        <button
                          type="button"
                          className="icon-btn icon-btn--small"
                          aria-label={`Delete chat ${s.title}`}
                          onClick={() => onDelete(s)}
                          data-testid="session-delete"
                        >
                          <Icon name="trash" size={15} />
                        </button>
                      </div>
                    </li>
                  ))}
                </ul>
              </div>
            ))
          )}
        </nav>
        <div className="sidebar__bottom">
          <UsageMeter usage={usage} lastAnswerFree={lastAnswerFree} />
        </div>
      </aside>
    </>
  );
}
