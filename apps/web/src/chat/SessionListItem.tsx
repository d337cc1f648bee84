import type { SessionDto } from '@classchat/contracts';
import { Link } from 'react-router-dom';
import { Icon, type IconName } from '../ui/Icon.js';

/** One chat in the list: its link, then rename and delete. */
export function SessionListItem({
  session,
  current,
  onOpen,
  onRename,
  onDelete,
}: {
  session: SessionDto;
  current: boolean;
  onOpen: () => void;
  onRename: (session: SessionDto) => void;
  onDelete: (session: SessionDto) => void;
}) {
  return (
    <li
      className={`session${current ? ' is-current' : ''}`}
      data-testid="session-item"
      data-session-id={session.id}
    >
      <Link
        to={`/chat/${session.id}`}
        className="session__link"
        aria-current={current ? 'page' : undefined}
        onClick={onOpen}
      >
        {session.title || 'Untitled chat'}
      </Link>
      <div className="session__actions">
        <SessionAction
          label={`Rename chat ${session.title}`}
          icon="pencil"
          onClick={() => onRename(session)}
          testId="session-rename"
        />
        <SessionAction
          label={`Delete chat ${session.title}`}
          icon="trash"
          onClick={() => onDelete(session)}
          testId="session-delete"
        />
      </div>
    </li>
  );
}

function SessionAction({
  label,
  icon,
  onClick,
  testId,
}: {
  label: string;
  icon: IconName;
  onClick: () => void;
  testId: string;
}) {
  return (
    <button
      type="button"
      className="icon-btn icon-btn--small"
      aria-label={label}
      onClick={onClick}
      data-testid={testId}
    >
      <Icon name={icon} size={15} />
    </button>
  );
}
