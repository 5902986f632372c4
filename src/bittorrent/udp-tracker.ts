/**
 * UDP tracker packets (BEP 15), pure: the connect and announce requests and
 * their answers. An announce over UDP is two datagrams each way at most (a
 * connection id, valid a minute, then the announce), which is why many
 * public trackers speak only this.
 */
import type { AnnounceAnswer, AnnounceRequest } from './announce.js';

const PROTOCOL_ID = 0x41727101980n;
const CONNECT = 0;
const ANNOUNCE = 1;
const ERROR = 3;
const EVENTS = { completed: 1, started: 2, stopped: 3 } as const;

export function connectRequest(transaction: number): Buffer {
  const packet = Buffer.alloc(16);
  packet.writeBigUInt64BE(PROTOCOL_ID, 0);
  packet.writeUInt32BE(CONNECT, 8);
  packet.writeUInt32BE(transaction, 12);
  return packet;
}

export function announceRequest(connection: Buffer, transaction: number, request: AnnounceRequest, key: number): Buffer {
  const packet = Buffer.alloc(98);
  connection.copy(packet, 0, 0, 8);
  packet.writeUInt32BE(ANNOUNCE, 8);
  packet.writeUInt32BE(transaction, 12);
  Buffer.from(request.infoHash, 'hex').copy(packet, 16);
  Buffer.from(request.peerId, 'hex').copy(packet, 36);
  packet.writeBigUInt64BE(BigInt(Math.floor(request.downloaded)), 56);
  packet.writeBigUInt64BE(BigInt(Math.floor(request.left)), 64);
  packet.writeBigUInt64BE(BigInt(Math.floor(request.uploaded)), 72);
  packet.writeUInt32BE(request.event ? EVENTS[request.event] : 0, 80);
  packet.writeUInt32BE(0, 84);
  packet.writeUInt32BE(key >>> 0, 88);
  packet.writeInt32BE(request.numwant, 92);
  packet.writeUInt16BE(request.port, 96);
  return packet;
}

/** The transaction id an answer carries, or undefined for a datagram too short to be one. */
export function transactionOf(datagram: Uint8Array): number | undefined {
  return datagram.length >= 8 ? Buffer.from(datagram).readUInt32BE(4) : undefined;
}

/** The connection id (8 bytes) of a connect answer. Throws on an error answer or anything else. */
export function parseConnect(datagram: Uint8Array): Buffer {
  const packet = Buffer.from(datagram);
  checkAction(packet, CONNECT);
  if (packet.length < 16) throw new Error('a short connect answer');
  return Buffer.from(packet.subarray(8, 16));
}

/** An announce answer: interval, counts and IPv4 peers. Throws on an error answer or anything else. */
export function parseUdpAnnounce(datagram: Uint8Array): AnnounceAnswer {
  const packet = Buffer.from(datagram);
  checkAction(packet, ANNOUNCE);
  if (packet.length < 20) throw new Error('a short announce answer');
  const peers: string[] = [];
  for (let at = 20; at + 6 <= packet.length && peers.length < 200; at += 6) {
    const port = packet.readUInt16BE(at + 4);
    if (port !== 0) peers.push(`${[...packet.subarray(at, at + 4)].join('.')}:${port}`);
  }
  return { interval: packet.readUInt32BE(8), incomplete: packet.readUInt32BE(12), complete: packet.readUInt32BE(16), peers };
}

function checkAction(packet: Buffer, expected: number): void {
  if (packet.length < 8) throw new Error('a short answer');
  const action = packet.readUInt32BE(0);
  if (action === ERROR) {
    const reason = packet.subarray(8, 128).toString('utf8');
    throw new Error(`tracker: ${reason.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')}`);
  }
  if (action !== expected) throw new Error(`action ${action}, not ${expected}`);
}
