import type { MessageDto, SessionDto } from '@classchat/contracts';

/** The header's title: the chat's own, "Chat" for an open chat without one (yet), else "New chat". */
export function chatTitle(session: Pick<SessionDto, 'title'> | null, sessionId: string | null): string {
  return session?.title || (sessionId ? 'Chat' : 'New chat');
}

/** While an answer is being asked again its old version gives way to the stream that replaces it. */
export function messagesOnScreen(
  messages: MessageDto[],
  retryingId: string | null,
  streaming: boolean,
): MessageDto[] {
  return retryingId && streaming ? messages.filter((m) => m.id !== retryingId) : messages;
}
