import { createHash, type Hash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import got, { HTTPError, RequestError } from 'got';
import type { Network } from './network.js';
import { unfollowedRedirect } from './redirect-policy.js';
import { redactUri } from '../apt/auth-conf.js';
import { AptTorrentError } from '../errors.js';
import { HashingFileWriter, TooLargeError, hashFilePrefix } from './hashing-writer.js';
import { shownPath } from './private-dir.js';
import { classifyFailure, redirectRefusal, retryDelay, tlsRefusal } from './retry-policy.js';

/** What to fetch and where: the partial file, and the cache name it earns once verified. */
export interface FetchTarget {
  uri: string;
  size: number;
  sha256: string;
  partialPath: string;
  finalPath: string;
}

export interface HttpOptions {
  /** Further attempts after the first, for failures that may pass (5xx, resets, timeouts). */
  retries: number;
  /** Milliseconds a connection may stay silent (connect, headers or body) before it counts as failed. */
  timeoutMs: number;
  /** Proxy, TLS, login and redirect rules for every request (see network.ts). */
  network: Pick<Network, 'requestOptions'>;
  /** A body slower than this for this long counts as stalled (a silent socket is caught by timeoutMs). */
  lowSpeed?: { bytesPerSecond: number; seconds: number };
  /** Called with every chunk's length as it is written. */
  onBytes?: (count: number) => void;
  signal?: AbortSignal;
  /** Waits between attempts; tests may shorten them. */
  sleep?: (ms: number) => Promise<void>;
}

export interface FetchOutcome {
  /** Bytes that came over the network in this run. */
  downloaded: number;
  /** Bytes found in the partial file from an earlier run and kept. */
  resumedFrom: number;
}

/**
 * Download one file into its partial path, hashing while writing, resuming
 * with Range from whatever the partial already holds, retrying what may pass;
 * then rename it into the archive cache only if size and SHA256 match.
 * A mismatch deletes the partial and throws E_VERIFY.
 */
export async function fetchVerified(target: FetchTarget, options: HttpOptions): Promise<FetchOutcome> {
  const sleep = options.sleep ?? sleepFor;
  // One open for both: what an earlier run left, and where this one appends.
  // Never through a symlink, even in apt-torrent's own directory.
  const file = await open(target.partialPath, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW, 0o600);
  let offset = (await file.stat()).size;
  if (offset > target.size) {
    // Longer than the file can be: not a prefix of it.
    await file.truncate(0);
    offset = 0;
  }
  const resumedFrom = offset;
  let downloaded = 0;
  let restartedClean = offset === 0;
  try {
    let hash: Hash = offset > 0 ? await hashFilePrefix(file, offset) : createHash('sha256');
    for (let attempt = 0; ; attempt += 1) {
      options.signal?.throwIfAborted();
      if (offset < target.size) {
        try {
          const result = await transfer(target, file, offset, hash, options);
          downloaded += result.written;
          offset = result.offset;
          hash = result.hash;
        } catch (error) {
          if (error instanceof PartialProgress) {
            downloaded += error.written;
            offset = error.offset;
            hash = error.hash;
            error = error.cause;
          }
          const failure = classifyFailure(error);
          if (failure.kind === 'restart') {
            ({ offset, hash } = await truncate(file));
          }
          if (failure.kind === 'fatal' || attempt >= options.retries || options.signal?.aborted) {
            throw downloadError(target, error, attempt + 1, offset);
          }
          await sleep(retryDelay(attempt));
          continue;
        }
      }
      if (offset < target.size) {
        // The server ended the body early without an error: try for the rest.
        if (attempt >= options.retries) {
          throw new AptTorrentError('E_DOWNLOAD', `${redactUri(target.uri)}: the server sent ${offset} of ${target.size} bytes`, {
            hint: 'the mirror seems to hold another version of this file; run `apt-get update` or try another mirror',
          });
        }
        await sleep(retryDelay(attempt));
        continue;
      }
      const digest = hash.digest('hex');
      if (digest === target.sha256) break;
      if (!restartedClean) {
        // Bytes kept from an earlier run may belong to another file of the same name: start over once.
        restartedClean = true;
        ({ offset, hash } = await truncate(file));
        continue;
      }
      await file.close().catch(() => {});
      await rm(target.partialPath, { force: true });
      throw new AptTorrentError(
        'E_VERIFY',
        `${target.finalPath.split('/').pop()}: SHA256 mismatch, the file was deleted and not installed\n` +
          `  from:     ${redactUri(target.uri)}\n  expected: ${target.sha256} (APT's Packages index)\n  got:      ${digest}`,
        { hint: 'the mirror served bytes other than the signed index describes; run `apt-get update`, and report it to the mirror if it persists' },
      );
    }
    await settleForCache(file);
  } finally {
    await file.close().catch(() => {});
  }
  await rename(target.partialPath, target.finalPath);
  return { downloaded, resumedFrom };
}

/**
 * What enters APT's cache is root's and read-only to others, whatever the
 * umask: APT checks only the size of a cached file, so a file another user
 * could write would be theirs to change after our hash. Not synced to disk:
 * APT's own methods do not sync what they fetch either, and a sync here cost
 * 50 ms per 64 MiB, on the path of every install. After a power loss,
 * a file not yet written back is shorter than its size (APT fetches it
 * again) or, on some file systems, holds zeros that dpkg refuses as a
 * damaged archive: the same as for a file APT's own http method fetched.
 */
export async function settleForCache(file: FileHandle): Promise<void> {
  await file.chmod(0o644);
  if (process.getuid?.() === 0) await file.chown(0, 0);
}

async function truncate(file: Awaited<ReturnType<typeof open>>) {
  await file.truncate(0);
  return { offset: 0, hash: createHash('sha256') };
}

/** Carries how far an attempt got, when it failed part way. */
class PartialProgress extends Error {
  constructor(readonly written: number, readonly offset: number, readonly hash: Hash, override readonly cause: unknown) {
    super('transfer interrupted');
  }
}

/** One request: from `offset` to the end, appended to the file. */
async function transfer(target: FetchTarget, file: Awaited<ReturnType<typeof open>>, offset: number, hash: Hash, options: HttpOptions) {
  const writer = new HashingFileWriter(file, hash, target.size - offset, (count) => options.onBytes?.(count));
  // got wraps errors passed to destroy(), so the reason is kept aside.
  let interruption: Error | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  // One listener on the run's signal per transfer, removed after: got leaves its own behind.
  const local = new AbortController();
  const forwardAbort = () => local.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', forwardAbort, { once: true });
  try {
    if (target.uri.startsWith('file:')) {
      await pipeline(createReadStream(fileURLToPath(target.uri), { start: offset }), writer, { signal: local.signal });
    } else {
      const network = options.network.requestOptions(target.uri);
      const stream = got.stream(target.uri, {
        ...network,
        retry: { limit: 0 },
        decompress: false,
        timeout: { connect: options.timeoutMs, response: options.timeoutMs, socket: options.timeoutMs },
        headers: {
          'accept-encoding': 'identity',
          'user-agent': 'apt-torrent',
          ...(offset > 0 ? { range: `bytes=${offset}-` } : {}),
          ...network.headers,
        },
        signal: local.signal,
      });
      stream.once('response', (response: { statusCode: number; headers: Record<string, string | undefined> }) => {
        const redirect = unfollowedRedirect(response.statusCode, response.headers.location, target.uri);
        if (redirect) {
          interruption = redirect;
          stream.destroy();
        } else if (offset > 0 && !rangeHonoured(response.statusCode, response.headers['content-range'], offset)) {
          interruption = new RangeIgnoredError(response.statusCode);
          stream.destroy();
        }
      });
      const lowSpeed = options.lowSpeed;
      if (lowSpeed && lowSpeed.bytesPerSecond > 0) {
        // A mirror that drips a byte a second never trips the socket timeout; this does.
        let mark = 0;
        watchdog = setInterval(() => {
          if (writer.written - mark < lowSpeed.bytesPerSecond * lowSpeed.seconds) {
            interruption = new StalledError(lowSpeed.bytesPerSecond, lowSpeed.seconds);
            stream.destroy();
          }
          mark = writer.written;
        }, lowSpeed.seconds * 1000);
        watchdog.unref();
      }
      await pipeline(stream, writer);
    }
  } catch (error) {
    await writer.settled();
    throw new PartialProgress(writer.written, offset + writer.written, hash, interruption ?? error);
  } finally {
    clearInterval(watchdog);
    options.signal?.removeEventListener('abort', forwardAbort);
  }
  return { written: writer.written, offset: offset + writer.written, hash };
}

/** A 206 whose Content-Range starts where we asked. */
export function rangeHonoured(status: number, contentRange: string | undefined, offset: number): boolean {
  if (status !== 206) return false;
  const match = /^bytes (\d+)-/.exec(contentRange ?? '');
  return match !== null && Number(match[1]) === offset;
}

/** The body came slower than the low-speed limit: try again, resuming. */
export class StalledError extends Error {
  constructor(bytesPerSecond: number, seconds: number) {
    super(`the transfer stayed below ${bytesPerSecond} bytes/s for ${seconds} s`);
    this.name = 'StalledError';
  }
}

/** The server answered a Range request with the whole file or another range: start from zero. */
export class RangeIgnoredError extends Error {
  constructor(readonly status: number) {
    super(`the server did not honour the Range request (HTTP ${status})`);
    this.name = 'RangeIgnoredError';
  }
}

/**
 * E_DISK_FULL when the local disk (not the mirror) refused a write (ENOSPC,
 * or EDQUOT for a quota), naming the directory and the bytes still needed;
 * undefined for any other error.
 */
export function diskFullError(dir: string, name: string, needed: number, size: number, error: unknown): AptTorrentError | undefined {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return undefined;
  return new AptTorrentError('E_DISK_FULL', `no space left in ${dir} while writing ${name} (${needed} more bytes needed, ${size} in all)`, {
    hint: 'free some space there (e.g. `apt-get clean`), then run again: what was downloaded is kept',
    cause: error,
  });
}

function downloadError(target: FetchTarget, error: unknown, attempts: number, offset: number): AptTorrentError {
  if (error instanceof AptTorrentError) return error;
  const name = target.finalPath.split('/').pop();
  const full = diskFullError(shownPath(target.partialPath).replace(/[^/]*$/, ''), name ?? '', target.size - offset, target.size, error);
  if (full) return full;
  if (error instanceof Error && error.name === 'AbortError') {
    return new AptTorrentError('E_INTERRUPTED', `download of ${name} interrupted`, { cause: error });
  }
  let reason = error instanceof Error ? error.message : String(error);
  let hint = 'check the mirror and your network; run again to resume where it stopped';
  const redirect = redirectRefusal(error);
  const tls = tlsRefusal(error);
  if (error instanceof HTTPError) reason = `HTTP ${error.response.statusCode} ${error.response.statusMessage ?? ''}`.trim();
  else if (error instanceof TooLargeError) reason = error.message;
  else if (redirect) {
    reason = redirect.message;
    hint = 'the mirror sends this file elsewhere than APT would go; fix the mirror, or name the other address in sources.list if you trust it';
  } else if (tls) {
    reason = `TLS: the server's certificate is not accepted (${tls.code}: ${tls.message})`;
    hint = 'if the mirror has a certificate of its own CA, give it as APT would take it: Acquire::https::CaInfo (or Acquire::https::HOST::CaInfo) "/path/ca.pem"';
  } else if (error instanceof RequestError && error.code) reason = `${error.code}: ${error.message}`;
  if (error instanceof HTTPError && error.response.statusCode === 404) hint = 'the mirror no longer has this file; run `apt-get update` and try again';
  return new AptTorrentError('E_DOWNLOAD', `${name}: download failed after ${attempts} attempt(s) from ${redactUri(target.uri)}: ${reason}`, { hint, cause: error });
}
