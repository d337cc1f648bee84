import { emitChatEvent, type ChatEvent } from '../events.js';
import type { DeliverySocket } from './stream-delivery.js';

/** The method Socket.IO's `Socket.emit` ends in when connection state recovery is off. */
interface PacketWriter {
  packet(packet: { type: number; data: unknown[] }, opts?: Record<string, unknown>): void;
}

/** socket.io-parser's `PacketType.EVENT`. */
const EVENT_PACKET = 2;

const writesPackets = (socket: object): socket is PacketWriter =>
  typeof (socket as Partial<PacketWriter>).packet === 'function';

/**
 * Sends one chat event to one socket, outside Socket.IO's connection state recovery.
 *
 * With recovery on, `socket.emit` hands every event to the adapter to be kept for a recovering
 * client; with the Redis adapter that is a Redis write per event, awaited before the event is sent,
 * and an event whose write fails is dropped. Chat events have their own replay (`resume` from the
 * stream's buffer, which the client asks for after any reconnect), so keeping them for recovery
 * would only cost a Redis write per token and send a recovered client its missed tokens twice.
 * They are written to the socket's connection directly, as `emit` does when recovery is off.
 * A socket without that method (a test double) gets a plain `emit`.
 */
export function sendChatEvent(socket: DeliverySocket, event: ChatEvent): void {
  if (!writesPackets(socket)) {
    emitChatEvent(socket, event);
    return;
  }
  const { type, ...payload } = event;
  socket.packet({ type: EVENT_PACKET, data: [type, payload] }, {});
}
