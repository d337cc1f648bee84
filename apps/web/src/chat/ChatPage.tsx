import type { SessionDto } from '@classchat/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { Icon } from '../ui/Icon.js';
import { Spinner } from '../ui/ProgressBar.js';
import { NARROW_QUERY, useMediaQuery } from '../ui/useMediaQuery.js';
import { FailureNotice, LimitNotice } from './ChatNotices.js';
import { Composer } from './Composer.js';
import { isUncovered, lastAnswer } from './messageModel.js';
import { MessageItem, StreamingMessage } from './MessageItem.js';
import { ScopePickers, type Scope } from './ScopePickers.js';
import { SessionDialogs, type SessionDialog } from './SessionDialogs.js';
import { SessionSidebar } from './SessionSidebar.js';
import { useAutoScroll } from './useAutoScroll.js';
import { useChatController } from './useChatController.js';
import { useChatData } from './useChatData.js';
import { isAtLimit } from './UsageMeter.js';
import { WelcomePanel } from './WelcomePanel.js';
import './chat.css';

export function ChatPage() {
  const { sessionId = null } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const narrow = useMediaQuery(NARROW_QUERY);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [draft, setDraft] = useState('');
  const [dialog, setDialog] = useState<SessionDialog>(null);
  const [scope, setScope] = useState<Scope>(() => ({
    classId: params.get('class'),
    docId: params.get('doc'),
  }));
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const data = useChatData();
  const { refreshSessions, refreshUsage } = data;

  const chat = useChatController({
    sessionId,
    scope,
    onSessionCreated: useCallback(
      (id: string) => {
        void navigate(`/chat/${id}`, { replace: true });
        void refreshSessions();
      },
      [navigate, refreshSessions],
    ),
    onSessionLoaded: useCallback(
      (s: SessionDto) => setScope({ classId: s.assignedClass, docId: s.assignedDocument }),
      [],
    ),
    onSettled: useCallback(() => {
      void refreshUsage();
      void refreshSessions();
    }, [refreshUsage, refreshSessions]),
    onRestoreDraft: useCallback((text: string) => setDraft((d) => (d.trim() ? d : text)), []),
  });

  const { pinned, scrollToBottom } = useAutoScroll(
    scrollRef,
    `${chat.messages.length}:${chat.stream.text.length}:${chat.stream.phase}`,
  );

  useEffect(() => {
    if (!narrow) setDrawerOpen(false);
  }, [narrow]);

  const current = data.sessions?.find((s) => s.id === sessionId) ?? null;
  const atLimit = isAtLimit(data.usage);
  const streaming = chat.active;
  const answer = lastAnswer(chat.messages);
  const visibleMessages =
    chat.retryingId && streaming ? chat.messages.filter((m) => m.id !== chat.retryingId) : chat.messages;

  function send(text: string) {
    setDraft('');
    chat.send(text);
    composerRef.current?.focus();
  }

  function newChat() {
    setDrawerOpen(false);
    void navigate('/chat');
    requestAnimationFrame(() => composerRef.current?.focus());
  }

  return (
    <div className="chat">
      <SessionSidebar
        sessions={data.sessions}
        currentId={sessionId}
        usage={data.usage}
        lastAnswerFree={isUncovered(answer?.coverage)}
        drawer={narrow}
        open={drawerOpen}
        onClose={() => setDrawerOpen(false)}
        onNew={newChat}
        onRename={(session) => setDialog({ kind: 'rename', session })}
        onDelete={(session) => setDialog({ kind: 'delete', session })}
      />
      <main className="chat__main" id="main" aria-labelledby="chat-title">
        <header className="chat__header">
          {narrow && (
            <button
              type="button"
              className="icon-btn"
              aria-label="Show chats"
              aria-expanded={drawerOpen}
              onClick={() => setDrawerOpen(true)}
              data-testid="open-sessions"
            >
              <Icon name="menu" />
            </button>
          )}
          <h1 id="chat-title" className="chat__title" data-testid="chat-title">
            {current?.title || (sessionId ? 'Chat' : 'New chat')}
          </h1>
          <ScopePickers
            classes={data.classes}
            documents={data.documents}
            scope={scope}
            onChange={setScope}
            disabled={streaming}
          />
        </header>

        <div className="chat__scroll" ref={scrollRef}>
          <div className="chat__inner">
            {chat.loading ? (
              <div className="page-center">
                <Spinner label="Loading chat" />
              </div>
            ) : chat.loadError ? (
              <div className="empty">
                <h2 className="empty__title">{chat.loadError}</h2>
                <button type="button" className="btn btn-primary" onClick={newChat}>
                  Start a new chat
                </button>
              </div>
            ) : chat.messages.length === 0 && !streaming ? (
              <WelcomePanel
                onPick={(s) => {
                  setDraft(s);
                  composerRef.current?.focus();
                }}
              />
            ) : (
              <ol className="messages" aria-label="Conversation" data-testid="messages">
                {visibleMessages.map((m) => (
                  <MessageItem
                    key={m.id}
                    message={m}
                    isLastAnswer={m.id === answer?.id}
                    canRetry={!streaming && !atLimit}
                    actions={{ onReact: chat.react, onVersion: chat.setVersion, onRetry: chat.retry }}
                  />
                ))}
                {streaming && <StreamingMessage text={chat.stream.text} stopping={chat.stream.stopping} />}
              </ol>
            )}
            {/* At the limit the notice above the composer says it all; no second copy here. */}
            {chat.failure && !streaming && !atLimit && (
              <FailureNotice failure={chat.failure} onRetry={chat.retryLast} />
            )}
          </div>
        </div>

        {!pinned && (
          <button type="button" className="jump-latest" onClick={scrollToBottom} data-testid="jump-latest">
            <Icon name="arrowDown" size={16} /> Latest
          </button>
        )}

        <div className="chat__footer">
          {atLimit && data.usage && <LimitNotice usage={data.usage} />}
          <Composer
            value={draft}
            onChange={setDraft}
            onSend={send}
            onStop={chat.stop}
            streaming={streaming}
            stopping={chat.stream.stopping}
            disabled={atLimit}
            disabledReason="Monthly chat limit reached"
            inputRef={composerRef}
          />
        </div>
      </main>

      <SessionDialogs
        dialog={dialog}
        currentId={sessionId}
        setSessions={data.setSessions}
        onClose={() => setDialog(null)}
      />
    </div>
  );
}
