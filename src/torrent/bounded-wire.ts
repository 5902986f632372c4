import { debuglog } from 'node:util';
import { refusal } from './wire-limits.js';

/** NODE_DEBUG=apt-torrent names the peers refused and why. */
const debug = debuglog('apt-torrent');

/**
 * Message-length limits on bittorrent-protocol's Wire, the parser of every
 * peer connection webtorrent makes or accepts.
 *
 * Why a patch: bittorrent-protocol 4.1.21 (webtorrent 2.8.5) takes any
 * 32-bit message length a peer announces and buffers that many bytes,
 * re-concatenating its whole receive buffer on every chunk. A peer that
 * completes the handshake for a torrent this machine seeds (any peer on the
 * internet can) and announces a 2 GiB message, then streams, made one run
 * spend seconds per chunk with the event loop blocked and memory growing
 * without end (lengths of 2 GiB and more it even reads as negative, and
 * takes the message's bytes for further messages). The library offers no
 * limit, so its `_onMessageLength` is replaced: the length is read
 * unsigned, checked against wire-limits.ts, then the id byte is read and
 * checked against its own limit before the rest is buffered. A peer over a
 * limit is disconnected at once (its TCP connection destroyed) and its
 * address reported, to be shut out (see harden.ts).
 *
 * The handshake needs no limit: its lengths are fixed (1 + 19 + 48 bytes),
 * and protocol encryption (whose padding lengths are 16-bit) stays off.
 */

/** The parts of bittorrent-protocol's Wire this relies on; harden.ts checks them before patching. */
export interface WirePrototype {
  _onMessageLength(buffer: Uint8Array): void;
  _onMessage(buffer: Uint8Array): void;
  _onHandshake(infoHash: Uint8Array, peerId: Uint8Array, extensions: unknown): void;
  _parse(size: number, parser: (buffer: Uint8Array) => void): void;
}

export const WIRE_METHODS = ['_onMessageLength', '_onMessage', '_onHandshake', '_parse'] as const;

interface BoundedWire extends WirePrototype {
  type?: string;
  _buffer: Uint8Array[];
  _bufferSize: number;
  [PIECES]?: number;
  [REFUSED]?: string;
}

const PIECES = Symbol('apt-torrent: pieces of the wire’s torrent');
const REFUSED = Symbol('apt-torrent: why the wire was refused');

export interface WireLimitHooks {
  /** The piece count of the torrent with this infohash (hex), if this process has it. */
  piecesOf(infoHash: string): number | undefined;
  /** The wire broke a limit; disconnect its peer now. */
  refuse(wire: object, reason: string): void;
}

/** Install the limits on Wire's prototype. Once per process (harden.ts sees to it). */
export function installWireLimits(proto: WirePrototype, hooks: WireLimitHooks): void {
  const onHandshake = proto._onHandshake;
  proto._onHandshake = function (this: BoundedWire, infoHash, peerId, extensions) {
    this[PIECES] = hooks.piecesOf(Buffer.from(infoHash).toString('hex'));
    return onHandshake.call(this, infoHash, peerId, extensions);
  };

  const onMessageLength = proto._onMessageLength;
  proto._onMessageLength = function (this: BoundedWire, buffer) {
    // Unsigned: the library's own reading turns 2^31 and more into negative numbers.
    const length = buffer[0]! * 2 ** 24 + ((buffer[1]! << 16) | (buffer[2]! << 8) | buffer[3]!);
    if (length === 0) return onMessageLength.call(this, buffer); // keep-alive
    // A web seed's wire talks to our own WebConn, which sends whole pieces (up to 4 MiB)
    // it fetched within the bounds of bounded-web-seed.ts: no peer on the other end.
    if (this.type === 'webSeed') return onMessageLength.call(this, buffer);
    const pieces = this[PIECES];
    const early = refusal(length, undefined, pieces);
    if (early) return refuse(this, early, hooks);
    this._parse(1, (idByte) => {
      const id = idByte[0]!;
      const late = refusal(length, id, pieces);
      if (late) return refuse(this, late, hooks);
      if (length === 1) return this._onMessage(Uint8Array.of(id));
      this._parse(length - 1, (rest) => {
        const message = new Uint8Array(length);
        message[0] = id;
        message.set(rest, 1);
        this._onMessage(message);
      });
    });
  };
}

function refuse(wire: BoundedWire, reason: string, hooks: WireLimitHooks): void {
  if (wire[REFUSED]) return;
  wire[REFUSED] = reason;
  debug('peer refused: %s', reason);
  // Read nothing more: what is buffered goes, and no length can be met.
  wire._buffer = [];
  wire._bufferSize = 0;
  wire._parse(Number.MAX_SAFE_INTEGER, () => {});
  hooks.refuse(wire, reason);
}

/** Why this wire was refused, or undefined. */
export function refusedBecause(wire: object): string | undefined {
  return (wire as BoundedWire)[REFUSED];
}
