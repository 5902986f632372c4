/**
 * How long a peer's wire message may be, by its id. Pure.
 *
 * The peer wire protocol frames every message with a 32-bit length, and the
 * receiver buffers that many bytes before it can read the message. A peer
 * that announces 2 GiB and then streams makes a naive receiver buffer (and
 * copy) without end. These limits are what the protocol needs, no more:
 * fixed-size messages their size, a block at most 128 KiB (webtorrent
 * itself drops a peer that requests more), a bitfield one bit per piece of
 * the torrent, and an extended message (BEP 10: its handshake, ut_metadata
 * whose pieces are 16 KiB) 256 KiB — so a peer can hold at most ~256 KiB of
 * this machine's memory however it frames its bytes.
 */

/** The largest block a peer may send or ask for. */
export const MAX_BLOCK = 128 * 1024;
/** An extended message (BEP 10): handshakes are hundreds of bytes, ut_metadata pieces 16 KiB. */
export const MAX_EXTENDED = 256 * 1024;
/** An id this client does not speak (it reads and drops it): room for a modest future extension. */
export const MAX_OTHER = 64 * 1024;

const PIECE = 7;
const BITFIELD = 5;
const EXTENDED = 20;

/** Messages whose size the protocol fixes: id, then 0 to 3 integers. */
const FIXED: ReadonlyMap<number, number> = new Map([
  [0, 1], [1, 1], [2, 1], [3, 1], // choke, unchoke, interested, not interested
  [4, 5], // have
  [6, 13], [8, 13], // request, cancel
  [9, 3], // port (BEP 5)
  [13, 5], [14, 1], [15, 1], [16, 13], [17, 5], // suggest, have all, have none, reject, allowed fast (BEP 6)
]);

/** A bitfield for `pieces` pieces: its id and one bit per piece. */
export function bitfieldLength(pieces: number): number {
  return 1 + Math.ceil(pieces / 8);
}

/**
 * The most bytes (id included) a message with this id may have. `pieces` is
 * the torrent's piece count, when the wire's torrent is known; otherwise a
 * bitfield may be as long as a block message.
 */
export function messageLimit(id: number, pieces: number | undefined): number {
  const fixed = FIXED.get(id);
  if (fixed !== undefined) return fixed;
  if (id === PIECE) return 9 + MAX_BLOCK;
  if (id === BITFIELD) return pieces === undefined ? 9 + MAX_BLOCK : bitfieldLength(pieces);
  if (id === EXTENDED) return MAX_EXTENDED;
  return MAX_OTHER;
}

/** The most bytes any message may have, before its id is known. */
export function anyMessageLimit(pieces: number | undefined): number {
  return Math.max(9 + MAX_BLOCK, MAX_EXTENDED, MAX_OTHER, pieces === undefined ? 0 : bitfieldLength(pieces));
}

const NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'choke'], [1, 'unchoke'], [2, 'interested'], [3, 'not interested'], [4, 'have'], [5, 'bitfield'],
  [6, 'request'], [7, 'piece'], [8, 'cancel'], [9, 'port'], [13, 'suggest'], [14, 'have all'],
  [15, 'have none'], [16, 'reject'], [17, 'allowed fast'], [20, 'extended'],
]);

/** Why a message of `length` bytes is refused, or undefined when it is within its limit. `id` undefined: not read yet. */
export function refusal(length: number, id: number | undefined, pieces: number | undefined): string | undefined {
  const limit = id === undefined ? anyMessageLimit(pieces) : messageLimit(id, pieces);
  if (length <= limit) return undefined;
  const name = id === undefined ? '' : `${NAMES.get(id) ?? `type ${id}`} `;
  const what = `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}message`;
  return `${what} of ${length} bytes (at most ${limit})`;
}
