import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import got from 'got';
import { rangeHonoured, StalledError, type HttpOptions } from './http.js';
import { classifyFailure, retryDelay } from './retry-policy.js';

/**
 * Write the given byte ranges of a file from the mirror, in place (the
 * torrent's file keeps what peers gave), up to `connections` at a time: a
 * busy mirror limits each connection, not the client. A server that ignores
 * Range gets the whole file written from the start instead (once; the other
 * requests are stopped). Retries resume inside a range. Verification is the
 * caller's: the whole file's SHA256 at the end.
 */
export async function fillRanges(uri: string, path: string, ranges: ReadonlyArray<readonly [number, number]>, connections: number, options: HttpOptions): Promise<void> {
  // Created if no piece was written yet; never truncated, never O_APPEND (which would ignore positions).
  const file = await open(path, constants.O_RDWR | constants.O_CREAT, 0o644);
  const siblings = new AbortController();
  const stopSiblings = () => siblings.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stopSiblings, { once: true });
  let wholeFile = false;
  let firstError: unknown;
  const queue = [...ranges];
  const worker = async () => {
    for (let range = queue.shift(); range && !wholeFile; range = queue.shift()) {
      const [start, end] = range;
      let position = start;
      for (let attempt = 0; position <= end && !wholeFile; attempt += 1) {
        siblings.signal.throwIfAborted();
        try {
          const whole = await fetchRange(uri, position, end, file, { ...options, signal: siblings.signal }, (count) => {
            position += count;
          });
          if (whole) {
            wholeFile = true;
            siblings.abort();
            return;
          }
          if (position <= end) throw new Error(`the server ended the range at ${position} of ${end + 1}`);
        } catch (error) {
          if (wholeFile) return;
          if (classifyFailure(error).kind === 'fatal' || attempt >= options.retries || siblings.signal.aborted) {
            // The first real failure is the one to report; the others only stopped because of it.
            if (!siblings.signal.aborted) firstError ??= error;
            siblings.abort();
            throw error;
          }
          await (options.sleep ?? sleep)(retryDelay(attempt));
        }
      }
    }
  };
  try {
    const results = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(connections, ranges.length)) }, worker));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed && !wholeFile) throw firstError ?? failed.reason;
  } finally {
    options.signal?.removeEventListener('abort', stopSiblings);
    await file.close();
  }
}

/** One request; resolves true when the server sent the whole file instead of the range. */
async function fetchRange(
  uri: string,
  start: number,
  end: number,
  file: Awaited<ReturnType<typeof open>>,
  options: HttpOptions,
  advanced: (count: number) => void,
): Promise<boolean> {
  const stream = got.stream(uri, {
    agent: options.agentsFor(uri),
    retry: { limit: 0 },
    decompress: false,
    timeout: { connect: options.timeoutMs, response: options.timeoutMs, socket: options.timeoutMs },
    headers: { 'accept-encoding': 'identity', 'user-agent': 'apt-torrent', range: `bytes=${start}-${end}`, ...options.headersFor?.(uri) },
    signal: options.signal,
  });
  let whole = false;
  let position = start;
  stream.once('response', (response: { statusCode: number; headers: Record<string, string | undefined> }) => {
    if (!rangeHonoured(response.statusCode, response.headers['content-range'], start)) {
      whole = true;
      position = 0;
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
      await file.write(chunk, 0, chunk.length, position);
      position += chunk.length;
      if (!whole) {
        advanced(chunk.length);
        if (position > end) break;
      }
      options.onBytes?.(chunk.length);
    }
  } catch (error) {
    throw stalled ?? error;
  } finally {
    clearInterval(watchdog);
    // Done with this response: a later abort of the shared signal must not surface as an unhandled error.
    stream.on('error', () => {});
  }
  // got may end a destroyed stream quietly: a stall would then look like a short range.
  if (stalled) throw stalled;
  stream.destroy();
  return whole;
}
