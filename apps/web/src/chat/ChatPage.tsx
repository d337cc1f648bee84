import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { NARROW_QUERY, useMediaQuery } from '../ui/useMediaQuery.js';
import { ChatMain } from './ChatMain.js';
import { isUncovered, lastAnswer } from './messageModel.js';
import { SessionDialogs, type SessionDialog } from './SessionDialogs.js';
import { SessionSidebar } from './SessionSidebar.js';
import { useChatPage } from './useChatPage.js';
import { useSessionDrawer } from './useSessionDrawer.js';
import './chat.css';

export function ChatPage() {
  const { sessionId = null } = useParams();
  const navigate = useNavigate();
  const narrow = useMediaQuery(NARROW_QUERY);
  const drawer = useSessionDrawer(narrow);
  const [dialog, setDialog] = useState<SessionDialog>(null);
  const page = useChatPage(sessionId);
  const answer = lastAnswer(page.chat.messages);

  function newChat() {
    drawer.setOpen(false);
    void navigate('/chat');
    requestAnimationFrame(() => page.composerRef.current?.focus());
  }

  return (
    <div className="chat">
      <SessionSidebar
        sessions={page.data.sessions}
        currentId={sessionId}
        usage={page.data.usage}
        lastAnswerFree={isUncovered(answer?.coverage)}
        drawer={narrow}
        open={drawer.open}
        onClose={() => drawer.setOpen(false)}
        onNew={newChat}
        onRename={(session) => setDialog({ kind: 'rename', session })}
        onDelete={(session) => setDialog({ kind: 'delete', session })}
      />
      <ChatMain
        sessionId={sessionId}
        page={page}
        lastAnswerId={answer?.id}
        drawerOpen={narrow ? drawer.open : null}
        onOpenDrawer={() => drawer.setOpen(true)}
        onNewChat={newChat}
      />
      <SessionDialogs
        dialog={dialog}
        currentId={sessionId}
        setSessions={page.data.setSessions}
        onClose={() => setDialog(null)}
      />
    </div>
  );
}
