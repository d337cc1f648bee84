import { Spinner } from '../ui/ProgressBar.js';
import { FailureNotice } from './ChatNotices.js';
import { messagesOnScreen } from './chatPageRules.js';
import { MessageItem, StreamingMessage } from './MessageItem.js';
import type { useChatController } from './useChatController.js';
import { WelcomePanel } from './WelcomePanel.js';

type Chat = ReturnType<typeof useChatController>;

interface Props {
  chat: Chat;
  lastAnswerId: string | undefined;
  atLimit: boolean;
  onNewChat: () => void;
  /** A welcome suggestion was chosen. */
  onPick: (suggestion: string) => void;
}

/** What the conversation area shows, and below it why the last question got no answer. */
export function ChatConversation({ chat, atLimit, ...body }: Props) {
  const streaming = chat.active;
  return (
    <>
      <ConversationBody chat={chat} canRetry={!streaming && !atLimit} {...body} />
      {/* At the limit the notice above the composer says it all; no second copy here. */}
      {chat.failure && !streaming && !atLimit && (
        <FailureNotice failure={chat.failure} onRetry={chat.retryLast} />
      )}
    </>
  );
}

/** The chat loading, the chat that is gone, the welcome of an empty chat, or the messages. */
function ConversationBody({
  chat,
  canRetry,
  lastAnswerId,
  onNewChat,
  onPick,
}: Omit<Props, 'atLimit'> & { canRetry: boolean }) {
  if (chat.loading) {
    return (
      <div className="page-center">
        <Spinner label="Loading chat" />
      </div>
    );
  }
  if (chat.loadError) {
    return (
      <div className="empty">
        <h2 className="empty__title">{chat.loadError}</h2>
        <button type="button" className="btn btn-primary" onClick={onNewChat}>
          Start a new chat
        </button>
      </div>
    );
  }
  if (chat.messages.length === 0 && !chat.active) return <WelcomePanel onPick={onPick} />;
  return (
    <ol className="messages" aria-label="Conversation" data-testid="messages">
      {messagesOnScreen(chat.messages, chat.retryingId, chat.active).map((m) => (
        <MessageItem
          key={m.id}
          message={m}
          isLastAnswer={m.id === lastAnswerId}
          canRetry={canRetry}
          actions={{ onReact: chat.react, onVersion: chat.setVersion, onRetry: chat.retry }}
        />
      ))}
      {chat.active && <StreamingMessage text={chat.stream.text} stopping={chat.stream.stopping} />}
    </ol>
  );
}
