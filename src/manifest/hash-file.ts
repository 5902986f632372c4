/**
 * One read of a file gives both what publishing needs: the SHA256 that proves
 * it is the file the Packages index names, and the SHA1 piece hashes of its
 * torrent. Reading once matters: publishing is bound by disk speed, and a
 * second pass would double it. node:crypto uses the CPU's SHA extensions, so
 * both digests together keep up with `sha1sum` alone (see the issue note).
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface FileHashes {
  /** Bytes read: compare with the index's Size. */
  size: number;
  /** Lower-case hex. */
  sha256: string;
  /** Concatenated SHA1 digests of each piece. */
  pieces: Buffer;
}

export interface HashOptions {
  pieceLength: number;
  /** Called with the byte count of each chunk read, for progress. */
  onBytes?: (bytes: number) => void;
  signal?: AbortSignal;
}

/** Large reads: fewer syscalls and hash calls per byte; 1 MiB hashed ~12% faster than 64 KiB here (1,013 vs 900 MB/s). */
const READ_SIZE = 1024 * 1024;

/**
 * Hash a file in one streaming pass.
 * @example const { sha256, pieces } = await hashFile('x.deb', { pieceLength: 262144 });
 */
export async function hashFile(path: string, options: HashOptions): Promise<FileHashes> {
  const whole = createHash('sha256');
  const digests: Buffer[] = [];
  let piece: Hash = createHash('sha1');
  let inPiece = 0;
  let size = 0;
  const stream = createReadStream(path, { highWaterMark: READ_SIZE, signal: options.signal });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    whole.update(chunk);
    size += chunk.length;
    // Pieces straddle chunk boundaries: feed subarrays (no copies) until each piece is full.
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(options.pieceLength - inPiece, chunk.length - offset);
      piece.update(chunk.subarray(offset, offset + take));
      inPiece += take;
      offset += take;
      if (inPiece === options.pieceLength) {
        digests.push(piece.digest());
        piece = createHash('sha1');
        inPiece = 0;
      }
    }
    options.onBytes?.(chunk.length);
  }
  if (inPiece > 0) digests.push(piece.digest());
  return { size, sha256: whole.digest('hex'), pieces: Buffer.concat(digests) };
}
