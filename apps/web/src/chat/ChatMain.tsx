import { useRef } from 'react';
import { useToastClearance } from '../ui/useToastClearance.js';
import { ChatConversation } from './ChatConversation.js';
import { ChatHeader } from './ChatHeader.js';
import { LimitNotice } from './ChatNotices.js';
import { chatTitle } from './chatPageRules.js';
import { ChatScroller } from './ChatScroller.js';
import { Composer } from './Composer.js';
import { ScopePickers } from './ScopePickers.js';
import type { ChatPageState } from './useChatPage.js';
import { isAtLimit } from './UsageMeter.js';
import { useEscapeToStop } from './useEscapeToStop.js';

/** The open chat beside the chat list: its title and scope, the conversation, and the composer. */
export function ChatMain({
  sessionId,
  page: { data, chat, scope, setScope, draft, setDraft, composerRef, pick, send },
  lastAnswerId,
  drawerOpen,
  onOpenDrawer,
  onNewChat,
}: {
  sessionId: string | null;
  page: ChatPageState;
  lastAnswerId: string | undefined;
  /** Whether the chat list's drawer is open; null on a wide screen, where the list is always shown. */
  drawerOpen: boolean | null;
  onOpenDrawer: () => void;
  onNewChat: () => void;
}) {
  const current = data.sessions?.find((s) => s.id === sessionId) ?? null;
  const atLimit = isAtLimit(data.usage);
  const mainRef = useRef<HTMLElement>(null);
  useEscapeToStop(mainRef, chat.active && !chat.stream.stopping, chat.stop);
  const footerRef = useRef<HTMLDivElement>(null);
  useToastClearance(footerRef);
  return (
    <main className="chat__main" id="main" aria-labelledby="chat-title" ref={mainRef}>
      <ChatHeader title={chatTitle(current, sessionId)} drawerOpen={drawerOpen} onOpenDrawer={onOpenDrawer}>
        <ScopePickers
          classes={data.classes}
          documents={data.documents}
          scope={scope}
          onChange={setScope}
          disabled={chat.active}
        />
      </ChatHeader>
      <ChatScroller contentKey={`${chat.messages.length}:${chat.stream.text.length}:${chat.stream.phase}`}>
        <ChatConversation
          chat={chat}
          lastAnswerId={lastAnswerId}
          atLimit={atLimit}
          onNewChat={onNewChat}
          onPick={pick}
        />
      </ChatScroller>
      <div className="chat__footer" ref={footerRef}>
        {atLimit && data.usage && <LimitNotice usage={data.usage} />}
        <Composer
          value={draft}
          onChange={setDraft}
          onSend={send}
          onStop={chat.stop}
          streaming={chat.active}
          stopping={chat.stream.stopping}
          disabled={atLimit}
          disabledReason="Monthly chat limit reached"
          inputRef={composerRef}
        />
      </div>
    </main>
  );
}
