import type { MessageDto, SessionDetail } from '@classchat/contracts';
import { applyToMessages } from '../streaming/applyUserEvent.js';

/**
 * How new the messages a chat view shows are, on the server's user-event clock (`rev`): the rev of
 * the last read of the chat, and of each message event applied since. A message event is applied
 * only when it is newer than both, so an event older than the chat as read cannot roll it back; and
 * a read of the chat keeps what newer events already showed. A read from a server that sends no rev
 * is taken as it is. No I/O: the view holds one and feeds it what it receives.
 */
export class ShownRevisions {
  private read = -Infinity;
  private readonly events = new Map<string, number>();

  /** Another chat is shown: nothing is known about it yet. */
  clear(): void {
    this.read = -Infinity;
    this.events.clear();
  }

  /** Whether a `message-updated` event is newer than what is shown of its message (recorded if so). */
  acceptMessage(messageId: string, rev: number): boolean {
    if (rev <= Math.max(this.read, this.events.get(messageId) ?? -Infinity)) return false;
    this.events.set(messageId, rev);
    return true;
  }

  /** Records a read of the chat stamped `rev` (undefined: the server sends none). */
  recordRead(rev: number | undefined): void {
    if (rev !== undefined) this.read = Math.max(this.read, rev);
  }

  /**
   * The messages to show after a read: the chat as read, with the messages that events newer than
   * the read showed kept as they are shown. Pure (safe in a state updater).
   */
  merge(shown: readonly MessageDto[], detail: Pick<SessionDetail, 'messages' | 'rev'>): MessageDto[] {
    const readAt = detail.rev;
    if (readAt === undefined) return detail.messages;
    let merged = detail.messages;
    for (const message of shown) {
      if ((this.events.get(message.id) ?? -Infinity) > readAt) merged = applyToMessages(merged, message);
    }
    return merged;
  }
}
