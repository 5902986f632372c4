/**
 * The piece-length rule. It is part of what makes a torrent deterministic:
 * every mirror that publishes the same .deb must choose the same piece
 * length, or their infohashes (and swarms) differ. Changing it changes every
 * infohash, so it belongs to manifest version 1 and must not drift.
 *
 * Rule: 1 MiB, doubled while the file would have more than 1024 pieces,
 * up to 4 MiB (beyond 4 GiB the pieces just get more numerous).
 *
 * Why these numbers:
 * - Web seeds fetch one HTTP Range request per piece, so every piece costs
 *   a round trip. Measured with webtorrent 2.8.5 against `serve` (200 MiB
 *   file, 8 web connections, a delay added per request to stand in for WAN
 *   round trips):
 *
 *       delay per request   256 KiB     1 MiB   4 MiB
 *       none (loopback)     172-187   171-266     246  MiB/s
 *       20 ms                    69       162     248
 *       50 ms                    34       103     218
 *
 *   (64 KiB pieces measured 4x slower still.) Below 1 MiB the mirror,
 *   which is every swarm's first and fallback source, gets slow over real
 *   distances, so 1 MiB is the floor.
 * - Peers trade whole verified pieces, so a file needs enough of them to
 *   swarm: up to 1024 keeps the .torrent small (20 bytes of SHA1 each) and
 *   gives the big files (hundreds of MB) hundreds of pieces.
 * - 4 MiB caps what a client holds unverified per piece and what one bad
 *   peer can waste.
 * On the real bookworm index (manifests/bookworm-main-amd64.coverage.txt)
 * nearly every chosen file gets 1 MiB; the 1-1.5 GB ones (qgis-api-doc,
 * 0ad-data) get 2 MiB.
 */

export const MIN_PIECE_LENGTH = 1024 * 1024;
export const MAX_PIECE_LENGTH = 4 * 1024 * 1024;
/** The most pieces a file gets below the 4 MiB cap. */
export const TARGET_MAX_PIECES = 1024;

/**
 * The piece length for a file of `size` bytes.
 * @example pieceLengthFor(100 * 2 ** 20) === 1048576; pieceLengthFor(1.46e9) === 2097152
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
