import { createHash, type Hash } from 'node:crypto';

/**
 * SHA256 of a whole file and the SHA1 of each of its torrent pieces, fed
 * chunk by chunk in one pass. Pieces straddle chunk boundaries, so chunks are
 * fed as subarrays (no copies) until each piece is full. Used by publish
 * (making torrents) and by the seeder (proving a stored file is what it was).
 */
export class PieceHasher {
  private readonly whole = createHash('sha256');
  private readonly digests: Buffer[] = [];
  private piece: Hash = createHash('sha1');
  private inPiece = 0;
  size = 0;

  constructor(private readonly pieceLength: number) {}

  update(chunk: Buffer): void {
    this.whole.update(chunk);
    this.size += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.pieceLength - this.inPiece, chunk.length - offset);
      this.piece.update(chunk.subarray(offset, offset + take));
      this.inPiece += take;
      offset += take;
      if (this.inPiece === this.pieceLength) {
        this.digests.push(this.piece.digest());
        this.piece = createHash('sha1');
        this.inPiece = 0;
      }
    }
  }

  /** The digests; call once, after the last chunk. */
  finish(): { size: number; sha256: string; pieces: Buffer } {
    if (this.inPiece > 0) this.digests.push(this.piece.digest());
    return { size: this.size, sha256: this.whole.digest('hex'), pieces: Buffer.concat(this.digests) };
  }
}
