import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import got from 'got';
import { rangeHonoured, RangeIgnoredError, StalledError, type HttpOptions } from './http.js';
import { TooLargeError } from './hashing-writer.js';
import { unfollowedRedirect } from './redirect-policy.js';
import { classifyFailure, retryDelay } from './retry-policy.js';
import { forEachBounded } from '../util/pool.js';

export interface FillOptions extends HttpOptions {
  /** Called with every chunk once it is written, and where: a caller may hash what it knows to be in order. */
  onWritten?: (data: Buffer, position: number) => void;
}

/** Where one request writes: the next byte, and the last byte it may write (inclusive). */
interface Cursor {
  position: number;
  end: number;
}

/**
 * Write the given byte ranges of a file of `size` bytes from the mirror, in
 * place (the torrent's file keeps what peers gave), up to `connections` at
 * a time: a busy mirror limits each connection, not the client. A server
 * that ignores Range gets the whole file written from the start instead, by
 * the first request that sees it; the other requests stop at once. Nothing
 * is ever written outside the range asked for, or past `size` (a longer
 * body is an error): whatever the mirror sends, the file never grows past
 * the size APT's index gives. Retries resume inside a range. Verification
 * is the caller's: the whole file's SHA256 at the end.
 */
export async function fillRanges(uri: string, path: string, size: number, ranges: ReadonlyArray<readonly [number, number]>, connections: number, options: FillOptions): Promise<void> {
  // Created if no piece was written yet; never truncated, never O_APPEND (which would ignore positions); never through a symlink.
  const file = await open(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
  const siblings = new AbortController();
  const stopSiblings = () => siblings.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stopSiblings, { once: true });
  /** The request that found Range ignored and writes the whole file; the others give way to it. */
  let claimant: AbortController | undefined;
  const requests = new Set<AbortController>();
  let firstError: unknown;
  const claimWhole = (mine: AbortController): boolean => {
    if (claimant && claimant !== mine) return false;
    claimant = mine;
    for (const other of requests) if (other !== mine) other.abort();
    return true;
  };
  const fillRange = async ([start, end]: readonly [number, number]) => {
    const mine = new AbortController();
    const cursor: Cursor = { position: start, end: Math.min(end, size - 1) };
    const signal = AbortSignal.any([siblings.signal, mine.signal]);
    requests.add(mine);
    try {
      for (let attempt = 0; cursor.position <= cursor.end; attempt += 1) {
        if (claimant && claimant !== mine) return;
        siblings.signal.throwIfAborted();
        try {
          await fetchRange(uri, cursor, size, file, { ...options, signal }, () => claimWhole(mine));
          if (cursor.position <= cursor.end) throw new Error(`the server ended the range at ${cursor.position} of ${cursor.end + 1}`);
        } catch (error) {
          // Stopped because another request writes the whole file: no failure of its own.
          if (claimant && claimant !== mine) return;
          if (classifyFailure(error).kind === 'fatal' || attempt >= options.retries || siblings.signal.aborted) {
            // The first real failure is the one to report; the others only stopped because of it.
            if (!siblings.signal.aborted) firstError ??= error;
            siblings.abort();
            throw error;
          }
          await (options.sleep ?? sleep)(retryDelay(attempt));
        }
      }
    } finally {
      requests.delete(mine);
    }
  };
  try {
    await forEachBounded(ranges, Math.min(connections, ranges.length), fillRange, siblings.signal).catch((error: unknown) => {
      throw firstError ?? error;
    });
  } finally {
    options.signal?.removeEventListener('abort', stopSiblings);
    await file.close();
  }
}

/**
 * One request for `cursor.position`..`cursor.end`, advancing the cursor by
 * what it wrote. A server that ignores the Range (or answers another range)
 * (200) turns this request into the whole file's writer, if `claimWhole`
 * lets it: the cursor then runs from 0 to the file's last byte. A 206 for
 * another range than asked is refused before a byte is written.
 */
async function fetchRange(uri: string, cursor: Cursor, size: number, file: FileHandle, options: FillOptions, claimWhole: () => boolean): Promise<void> {
  const network = options.network.requestOptions(uri);
  const stream = got.stream(uri, {
    ...network,
    retry: { limit: 0 },
    decompress: false,
    timeout: { connect: options.timeoutMs, response: options.timeoutMs, socket: options.timeoutMs },
    headers: { 'accept-encoding': 'identity', 'user-agent': 'apt-torrent', range: `bytes=${cursor.position}-${cursor.end}`, ...network.headers },
    signal: options.signal,
  });
  let whole = false;
  let refused: Error | undefined;
  stream.once('response', (response: { statusCode: number; headers: Record<string, string | undefined> }) => {
    refused = unfollowedRedirect(response.statusCode, response.headers.location, uri);
    if (refused) {
      stream.destroy();
      return;
    }
    if (rangeHonoured(response.statusCode, response.headers['content-range'], cursor.position)) return;
    if (response.statusCode === 206) {
      // Another range than asked for: not one byte of it is written; tried again.
      refused = new RangeIgnoredError(206);
      stream.destroy();
      return;
    }
    if (!claimWhole()) {
      stream.destroy();
      return;
    }
    whole = true;
    cursor.position = 0;
    cursor.end = size - 1;
    const declared = Number(response.headers['content-length']);
    if (declared > size) {
      // Said up front: not one byte of it is written.
      refused = new TooLargeError(declared, size);
      stream.destroy();
    }
  });
  // A mirror that drips a byte a second never trips the socket timeout; as in fetchVerified, this does.
  let received = 0;
  let mark = 0;
  let stalled: StalledError | undefined;
  const lowSpeed = options.lowSpeed;
  const watchdog = lowSpeed && lowSpeed.bytesPerSecond > 0
    ? setInterval(() => {
      if (received - mark < lowSpeed.bytesPerSecond * lowSpeed.seconds) {
        stalled = new StalledError(lowSpeed.bytesPerSecond, lowSpeed.seconds);
        stream.destroy();
      }
      mark = received;
    }, lowSpeed.seconds * 1000)
    : undefined;
  watchdog?.unref();
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      received += chunk.length;
      // Only what fits before the cursor's end is written: a longer answer writes nothing past it.
      const room = cursor.end - cursor.position + 1;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      await writeAt(file, part, cursor.position);
      options.onWritten?.(part, cursor.position);
      cursor.position += part.length;
      options.onBytes?.(part.length);
      if (part.length < chunk.length) {
        // A range asked for is done; but a whole file longer than the index says is another file.
        if (whole) throw new TooLargeError(cursor.position + chunk.length - part.length, size);
        break;
      }
      if (cursor.position > cursor.end && !whole) break;
    }
  } catch (error) {
    throw refused ?? stalled ?? error;
  } finally {
    clearInterval(watchdog);
    // Done with this response: a later abort of the shared signal must not surface as an unhandled error.
    stream.on('error', () => {});
  }
  // got may end a destroyed stream quietly: a stall or a refusal would then look like a short range.
  if (refused) throw refused;
  if (stalled) throw stalled;
  stream.destroy();
}

/** write(2) may take part of a buffer: write the rest. */
async function writeAt(file: FileHandle, data: Buffer, position: number): Promise<void> {
  for (let offset = 0; offset < data.length;) {
    const { bytesWritten } = await file.write(data, offset, data.length - offset, position + offset);
    if (bytesWritten <= 0) throw new Error(`the file system took none of ${data.length - offset} bytes`);
    offset += bytesWritten;
  }
}
