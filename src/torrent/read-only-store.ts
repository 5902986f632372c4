import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

type Callback<T = void> = (error: Error | null, value?: T) => void;

/**
 * A chunk store (the interface webtorrent reads pieces through) over one
 * file opened read-only by its caller. webtorrent's own store opens its
 * file for writing, which a process may not do with a file another user
 * owns (APT hands its cached .debs to root, 0644) though it may read it:
 * a seed only ever reads. Writing is refused; closing closes the
 * descriptor and never deletes the file.
 */
export class ReadOnlyStore {
  private closed = false;

  constructor(
    readonly chunkLength: number,
    private readonly file: FileHandle,
    private readonly length: number,
  ) {}

  get(index: number, opts: { offset?: number; length?: number } | null | Callback<Buffer>, cb?: Callback<Buffer>): void {
    const done = (typeof opts === 'function' ? opts : cb) ?? (() => {});
    const range = typeof opts === 'function' || !opts ? {} : opts;
    const start = index * this.chunkLength + (range.offset ?? 0);
    const chunkEnd = Math.min((index + 1) * this.chunkLength, this.length);
    const size = range.length ?? chunkEnd - start;
    if (this.closed) return void queueMicrotask(() => done(new Error('the store is closed')));
    if (!Number.isInteger(index) || index < 0 || start < 0 || size < 0 || start + size > chunkEnd) {
      return void queueMicrotask(() => done(new Error(`no such range: piece ${index}`)));
    }
    const buffer = Buffer.alloc(size);
    this.file.read(buffer, 0, size, start).then(
      ({ bytesRead }) => done(bytesRead === size ? null : new Error(`the file ended early (piece ${index})`), buffer),
      (error: Error) => done(error),
    );
  }

  put(_index: number, _buffer: Uint8Array, cb: Callback = () => {}): void {
    queueMicrotask(() => cb(new Error('a read-only store takes no data')));
  }

  close(cb: Callback = () => {}): void {
    if (this.closed) return void queueMicrotask(() => cb(null));
    this.closed = true;
    this.file.close().then(() => cb(null), () => cb(null));
  }

  /** The same as close: the file is not the store's to delete. */
  destroy(cb: Callback = () => {}): void {
    this.close(cb);
  }
}

/**
 * Open a file for a ReadOnlyStore: read-only, following no link, and only
 * a regular file of `size` bytes. Throws otherwise (ENOENT when it is not
 * there).
 */
export async function openReadOnly(path: string, size: number): Promise<FileHandle> {
  // O_NONBLOCK: a FIFO put in its place must not hold one of libuv's few threads for ever.
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stats = await file.stat();
    if (!stats.isFile() || stats.size !== size) throw new Error(`${path} is not a file of ${size} bytes`);
    return file;
  } catch (error) {
    await file.close();
    throw error;
  }
}
