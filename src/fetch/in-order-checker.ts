import { createHash, type Hash } from 'node:crypto';

/**
 * The file's SHA256 and its pieces' SHA1s, over bytes written in order from
 * the first: what a piece hash confirms can be served to peers at once,
 * and the SHA256 of the whole is known without reading the file again.
 */
export class InOrderChecker {
  /** Bytes on disk from the first, without a hole. */
  written = 0;
  private whole: Hash = createHash('sha256');
  private piece: Hash = createHash('sha1');
  /** Bytes hashed in order; NaN once a write came out of order. */
  private hashed = 0;
  private final?: string;

  constructor(
    private readonly size: number,
    private readonly pieceLength: number,
    private readonly pieceHashes: Uint8Array,
  ) {}

  /** A chunk written at `position`; returns the pieces it completed that match their hash. */
  wrote(data: Buffer, position: number): number[] {
    if (position === 0 && this.hashed !== 0) {
      // A server that ignored a resumed range sends the file again from its start.
      this.whole = createHash('sha256');
      this.piece = createHash('sha1');
      this.hashed = 0;
    }
    this.written = position + data.length;
    if (position !== this.hashed) {
      this.hashed = Number.NaN;
      return [];
    }
    if (this.hashed + data.length > this.size) {
      // More than the file: not the file (the writer never writes past its size; this is a guard of its own).
      this.hashed = Number.NaN;
      return [];
    }
    this.whole.update(data);
    const done: number[] = [];
    for (let offset = 0; offset < data.length;) {
      const index = Math.floor(this.hashed / this.pieceLength);
      const pieceEnd = Math.min(this.size, (index + 1) * this.pieceLength);
      const take = Math.min(data.length - offset, pieceEnd - this.hashed);
      this.piece.update(data.subarray(offset, offset + take));
      offset += take;
      this.hashed += take;
      if (this.hashed === pieceEnd) {
        const expected = this.pieceHashes.subarray(index * 20, index * 20 + 20);
        if (this.piece.digest().equals(expected)) done.push(index);
        this.piece = createHash('sha1');
      }
    }
    return done;
  }

  digest(): string | undefined {
    if (this.hashed !== this.size) return undefined;
    this.final ??= this.whole.digest('hex');
    return this.final;
  }
}
