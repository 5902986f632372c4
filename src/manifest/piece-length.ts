/**
 * The piece-length rule. It is part of what makes a torrent deterministic:
 * every mirror that publishes the same .deb must choose the same piece
 * length, or their infohashes (and swarms) differ. Changing it changes every
 * infohash, so it belongs to manifest version 1 and must not drift.
 *
 * Rule: the smallest power of two that cuts the file into at most 2048
 * pieces, but never less than 256 KiB and never more than 4 MiB.
 *
 * Why these numbers:
 * - Web seeds fetch one HTTP Range request per piece. facts.md measured
 *   webtorrent's web seed at 19-37 MiB/s with 64 KiB pieces and ~138 MiB/s
 *   with 1 MiB pieces, so pieces stay well above 64 KiB (256 KiB floor).
 * - Peers can only trade whole, verified pieces; 1,000-2,000 pieces per file
 *   keeps swarms busy and the .torrent small (20 bytes of SHA1 per piece:
 *   at most ~40 KB), the range most BitTorrent tools aim for.
 * - 4 MiB caps the memory a client holds per unverified piece and the bytes
 *   lost to one bad peer.
 * In practice: up to 512 MiB -> 256 KiB; the largest Debian .debs
 * (1-1.5 GB: qgis-api-doc, 0ad-data) -> 512 KiB-1 MiB; 4 GiB and up -> 4 MiB.
 */

export const MIN_PIECE_LENGTH = 256 * 1024;
export const MAX_PIECE_LENGTH = 4 * 1024 * 1024;
/** The most pieces a file gets before the 4 MiB cap. */
export const TARGET_MAX_PIECES = 2048;

/**
 * The piece length for a file of `size` bytes.
 * @example pieceLengthFor(100 * 2 ** 20) === 262144; pieceLengthFor(1.46e9) === 1048576
 */
export function pieceLengthFor(size: number): number {
  let length = MIN_PIECE_LENGTH;
  while (length < MAX_PIECE_LENGTH && length * TARGET_MAX_PIECES < size) length *= 2;
  return length;
}

/** log2 of a power-of-two piece length, as `mktorrent -l` takes it. */
export function pieceLengthExponent(length: number): number {
  return Math.log2(length);
}

/** Number of pieces a file of `size` bytes has with pieces of `length` (a 0-byte file has none). */
export function pieceCount(size: number, length: number): number {
  return Math.ceil(size / length);
}
