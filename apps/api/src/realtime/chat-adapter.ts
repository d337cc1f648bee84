import { Adapter, SessionAwareAdapter, type BroadcastOptions } from 'socket.io-adapter';

/** Socket.IO's EVENT packet type. */
const EVENT = 2;

interface Packet {
  type: number;
  data?: unknown[];
  id?: number;
}

/**
 * The in-memory adapter with connection state recovery (one api process), except that
 * `chat-stream-token` packets are not kept for recovery. Socket.IO keeps every other broadcast for
 * the recovery window (~800 bytes each, for up to three minutes): at 500 streams × 50 tokens/s that
 * would be gigabytes. Running streams are replayed to a recovered socket from the stream registry
 * instead (see `createStreamRegistry`), and `chat-stream-resume` serves everything else.
 */
export class ChatStreamAdapter extends SessionAwareAdapter {
  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    if (packet.type === EVENT && packet.data?.[0] === 'chat-stream-token') {
      Adapter.prototype.broadcast.call(this, packet, opts);
      return;
    }
    super.broadcast(packet, opts);
  }
}
