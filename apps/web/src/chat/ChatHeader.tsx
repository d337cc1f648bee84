import type { ReactNode } from 'react';
import { Icon } from '../ui/Icon.js';

/** The chat's title, the button that shows the chat list (narrow screens only) and the scope pickers. */
export function ChatHeader({
  title,
  drawerOpen,
  onOpenDrawer,
  children,
}: {
  title: string;
  /** Whether the chat list's drawer is open; null on a wide screen, where the list is always shown. */
  drawerOpen: boolean | null;
  onOpenDrawer: () => void;
  children: ReactNode;
}) {
  return (
    <header className="chat__header">
      {drawerOpen !== null && (
        <button
          type="button"
          className="icon-btn"
          aria-label="Show chats"
          aria-expanded={drawerOpen}
          onClick={onOpenDrawer}
          data-testid="open-sessions"
        >
          <Icon name="menu" />
        </button>
      )}
      <h1 id="chat-title" className="chat__title" data-testid="chat-title">
        {title}
      </h1>
      {children}
    </header>
  );
}
