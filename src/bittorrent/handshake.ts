/**
 * The BitTorrent handshake's fixed head (BEP 3): pstrlen 19,
 * "BitTorrent protocol", 8 reserved bytes, the 20-byte infohash, the
 * 20-byte peer id. 68 bytes, always: a listener can read exactly that much
 * and know which torrent the peer wants before anything else is loaded.
 */
export const HANDSHAKE_LENGTH = 68;
const PROTOCOL = Buffer.from('\x13BitTorrent protocol', 'latin1');

/**
 * The infohash (hex) a handshake asks for, or a reason it is not one.
 * `head` must hold at least 68 bytes; only the first 68 are read.
 */
export function handshakeInfoHash(head: Uint8Array): { infoHash: string } | { refused: string } {
  if (head.length < HANDSHAKE_LENGTH) return { refused: 'a short handshake' };
  if (!Buffer.from(head.subarray(0, PROTOCOL.length)).equals(PROTOCOL)) return { refused: 'not a BitTorrent handshake (encrypted, or another protocol)' };
  return { infoHash: Buffer.from(head.subarray(28, 48)).toString('hex') };
}

/** True while `head` (fewer than 68 bytes) can still become a handshake: a wrong first byte is known at once. */
export function couldBeHandshake(head: Uint8Array): boolean {
  const length = Math.min(head.length, PROTOCOL.length);
  return Buffer.from(head.subarray(0, length)).equals(PROTOCOL.subarray(0, length));
}
