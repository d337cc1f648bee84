import type { ReactNode } from 'react';
import { NavLink, useNavigate } from 'react-router-dom';
import { useAuth, useUser } from '../auth/AuthContext.js';
import { useConnectionRefusal } from '../streaming/useConnectionRefusal.js';
import { Icon } from './Icon.js';

/** Header with the two main places (Chat, Library) and the account; the page fills the rest. */
export function AppShell({ children }: { children: ReactNode }) {
  const user = useUser();
  const { logout } = useAuth();
  const navigate = useNavigate();
  useConnectionRefusal();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell__header">
        <NavLink to="/chat" className="brand" aria-label="Class Chat home">
          <span className="brand-mark" aria-hidden="true">
            <Icon name="chat" size={18} />
          </span>
          <span className="brand-name">Class Chat</span>
        </NavLink>
        <nav className="shell__nav" aria-label="Main">
          <NavLink to="/chat" className="shell__navlink" data-testid="nav-chat">
            <Icon name="chat" />
            <span>Chat</span>
          </NavLink>
          <NavLink to="/library" className="shell__navlink" data-testid="nav-library">
            <Icon name="library" />
            <span>Library</span>
          </NavLink>
        </nav>
        <div className="shell__account">
          <span className="shell__user" title={user.email}>
            <span className="avatar" aria-hidden="true">
              {(user.name || user.email).slice(0, 1).toUpperCase()}
            </span>
            <span className="shell__username">{user.name}</span>
            {user.plan === 'premium' && <span className="badge badge--accent">Premium</span>}
          </span>
          <button
            type="button"
            className="icon-btn"
            aria-label="Log out"
            title="Log out"
            data-testid="logout"
            onClick={() => {
              void logout().then(() => navigate('/login'));
            }}
          >
            <Icon name="logout" />
          </button>
        </div>
      </header>
      <div className="shell__body">{children}</div>
    </div>
  );
}
