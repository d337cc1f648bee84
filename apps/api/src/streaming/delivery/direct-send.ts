import { emitChatEvent, type ChatEvent } from '../events.js';
import type { DeliverySocket } from './stream-delivery.js';

/**
 * The parts of a Socket.IO server socket an encoded packet goes through: its namespace, and the
 * Engine.IO connection that `Socket.emit` ends in when connection state recovery is off.
 */
interface EncodedPacketWriter {
  nsp: { name: string };
  conn: { write(packet: string, options: { wsPreEncodedFrame: Buffer[] }): unknown };
}

const writesEncodedPackets = (socket: object): socket is EncodedPacketWriter => {
  const candidate = socket as Partial<EncodedPacketWriter>;
  return typeof candidate.conn?.write === 'function' && typeof candidate.nsp?.name === 'string';
};

/** socket.io-parser's `PacketType.EVENT`, as its text encoding starts. */
const EVENT_PACKET = '2';
/** Engine.IO's `message` packet type, as its text encoding starts. */
const ENGINE_MESSAGE = '4';

/**
 * A Socket.IO event packet as socket.io-parser encodes one without binary data or an ack id: the
 * packet type, the namespace when it is not the main one, then `[name, payload]` as JSON.
 */
export function encodeEventPacket(namespace: string, name: string, payload: unknown): string {
  const nsp = namespace === '/' ? '' : `${namespace},`;
  return EVENT_PACKET + nsp + JSON.stringify([name, payload]);
}

/**
 * One unmasked, final WebSocket text frame holding `text`: header and payload in one buffer, so the
 * socket writes it with one buffer instead of a header and a payload gathered.
 */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81; // FIN, opcode 1 (text)
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, header, 'utf8');
  return frame;
}

/**
 * Sends one chat event to one socket, outside Socket.IO's connection state recovery.
 *
 * With recovery on, `socket.emit` hands every event to the adapter to be kept for a recovering
 * client; with the Redis adapter that is a Redis write per event, awaited before the event is sent,
 * and an event whose write fails is dropped. Chat events have their own replay (`resume` from the
 * stream's buffer, which the client asks for after any reconnect), so keeping them for recovery
 * would only cost a Redis write per token and send a recovered client its missed tokens twice.
 *
 * The event is encoded here, once, and handed to the connection with its WebSocket frame already
 * built (what Socket.IO's own broadcasts do): on a WebSocket the frame is written as it is, with no
 * second encoding, no binary scan and one buffer; on HTTP long-polling, or with per-message
 * compression, Engine.IO encodes the packet as usual. Packets still leave in order through the
 * connection's write buffer. A socket without a connection (a test double) gets a plain `emit`.
 */
export function sendChatEvent(socket: DeliverySocket, event: ChatEvent): void {
  if (!writesEncodedPackets(socket)) {
    emitChatEvent(socket, event);
    return;
  }
  const { type, ...payload } = event;
  const packet = encodeEventPacket(socket.nsp.name, type, payload);
  socket.conn.write(packet, { wsPreEncodedFrame: [textFrame(ENGINE_MESSAGE + packet)] });
}
