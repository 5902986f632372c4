import { createHash, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

/**
 * Appends to an open file and hashes exactly the bytes that reached it, in
 * the same pass: no second read, and the hash can never run ahead of the
 * file when a connection breaks in the middle of a chunk.
 */
export class HashingFileWriter extends Writable {
  written = 0;
  /** The write in flight, if any: a broken connection can end the pipeline before it lands. */
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: FileHandle,
    private readonly hash: Hash,
    private readonly limit: number,
    private readonly onBytes: (count: number) => void,
  ) {
    super({ highWaterMark: 1 << 20 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (this.written + chunk.length > this.limit) {
      done(new TooLargeError(this.written + chunk.length, this.limit));
      return;
    }
    this.pending = this.writeAll(chunk).then(
      () => done(),
      (error: Error) => done(error),
    );
  }

  /**
   * write(2) may take only part of a chunk without an error (a file system
   * filling up does that, just before ENOSPC): write the rest, and hash and
   * count exactly the bytes that landed, so the hash never runs ahead of the file.
   */
  private async writeAll(chunk: Buffer): Promise<void> {
    for (let offset = 0; offset < chunk.length;) {
      const { bytesWritten } = await this.file.write(chunk, offset, chunk.length - offset);
      if (bytesWritten <= 0) throw new Error(`the file system took none of ${chunk.length - offset} bytes`);
      const landed = chunk.subarray(offset, offset + bytesWritten);
      this.hash.update(landed);
      this.written += bytesWritten;
      this.onBytes(bytesWritten);
      offset += bytesWritten;
    }
  }

  /**
   * Resolves once no write is in flight. Read `written` (and the hash) only
   * after this when the pipeline failed: the chunk being written then still
   * reaches the file and the hash, and a resume from a count without it
   * would append the same bytes twice.
   */
  settled(): Promise<void> {
    return this.pending.then(() => undefined);
  }
}

/** The server sent more bytes than the index says the file has. */
export class TooLargeError extends Error {
  constructor(readonly received: number, readonly limit: number) {
    super(`the server sent more than the ${limit} bytes expected`);
  }
}

/** SHA256 of a file's first `length` bytes (for resuming a partial from an earlier run). */
export async function hashFilePrefix(file: FileHandle, length: number): Promise<Hash> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  let position = 0;
  while (position < length) {
    const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, length - position), position);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash;
}
