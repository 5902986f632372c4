import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redactUri } from '../apt/auth-conf.js';
import type { Network } from './network.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export interface Fetched {
  bytes: Buffer;
  /** True when the server said 304 and the cached copy was used. */
  fromCache: boolean;
}

/**
 * GET a small file (a manifest, its signature) over http(s) or from file:,
 * through APT's proxy and logins. With a cache directory, the copy and its
 * ETag/Last-Modified are kept, and a 304 answers from it. Returns undefined
 * for a 404 (the mirror publishes no manifest: not an error).
 */
/**
 * The most a manifest, its signature or a .torrent may weigh. A manifest
 * listing every package of Debian's main suite is about 30 MB; a .torrent
 * of the largest .deb a few KB. More is a broken or hostile server, whose
 * endless answer must not fill the client's memory.
 */
export const MAX_SMALL_FILE = 64 * 1024 * 1024;

export async function fetchCached(
  url: string,
  options: {
    network: Network;
    cacheDir?: string;
    timeoutMs: number;
    signal?: AbortSignal;
    maxBytes?: number;
    /**
     * What the file's bytes must be, from a signed list (the suite's
     * Release): a cached copy with this SHA256 and size is the file, and
     * no request is made at all.
     */
    expected?: { sha256: string; size: number };
  },
): Promise<Fetched | undefined> {
  const maxBytes = options.maxBytes ?? MAX_SMALL_FILE;
  if (url.startsWith('file:')) {
    try {
      return { bytes: await readBounded(fileURLToPath(url), maxBytes), fromCache: false };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
  const key = createHash('sha1').update(url).digest('hex');
  const bodyPath = options.cacheDir && join(options.cacheDir, `${key}.body`);
  const metaPath = options.cacheDir && join(options.cacheDir, `${key}.meta.json`);
  let meta: { etag?: string; lastModified?: string } = {};
  let cached: Buffer | undefined;
  if (bodyPath && metaPath) {
    try {
      [cached, meta] = await Promise.all([readFile(bodyPath), readFile(metaPath, 'utf8').then((text) => JSON.parse(text))]);
    } catch {
      cached = undefined;
      meta = {};
    }
  }
  if (cached && options.expected && cached.length === options.expected.size && createHash('sha256').update(cached).digest('hex') === options.expected.sha256) {
    return { bytes: cached, fromCache: true };
  }
  const { default: got, CancelError } = await import('got');
  const network = options.network.requestOptions(url);
  const request = got(url, {
    ...network,
    headers: {
      'user-agent': 'apt-torrent',
      ...network.headers,
      ...(cached && meta.etag ? { 'if-none-match': meta.etag } : {}),
      ...(cached && meta.lastModified ? { 'if-modified-since': meta.lastModified } : {}),
    },
    responseType: 'buffer',
    throwHttpErrors: false,
    // One more try for a passing fault; a mirror that keeps failing gets one warning, then HTTP.
    retry: { limit: 1 },
    timeout: { request: options.timeoutMs },
    signal: options.signal,
  });
  request.on('downloadProgress', (progress: { transferred: number; total?: number }) => {
    if (progress.transferred > maxBytes || (progress.total ?? 0) > maxBytes) request.cancel();
  });
  let response;
  try {
    response = await request;
  } catch (error) {
    if (error instanceof CancelError && !options.signal?.aborted) throw new Error(`the answer is larger than ${maxBytes} bytes`);
    throw error;
  }
  if (response.statusCode === 304 && cached) return { bytes: cached, fromCache: true };
  if (response.statusCode === 404 || response.statusCode === 410) return undefined;
  if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode} ${response.statusMessage ?? ''}`.trim());
  if (bodyPath && metaPath && options.cacheDir) {
    // The cache only saves a download; a read-only state dir must not fail the install.
    try {
      await writeFileAtomic(bodyPath, response.body);
      await writeFileAtomic(metaPath, JSON.stringify({ url: redactUri(url), etag: response.headers.etag, lastModified: response.headers['last-modified'] }));
    } catch {
      // not cached this time
    }
  }
  return { bytes: response.body, fromCache: false };
}

/** A local file of at most `maxBytes`: a device or a file growing without end is refused, not read whole. */
async function readBounded(path: string, maxBytes: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const info = await file.stat();
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > maxBytes) throw new Error(`the file is larger than ${maxBytes} bytes`);
    const buffer = Buffer.alloc(Math.min(maxBytes + 1, info.size + 1));
    let length = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) throw new Error(length > maxBytes ? `the file is larger than ${maxBytes} bytes` : 'the file grew while it was read');
    }
    return buffer.subarray(0, length);
  } finally {
    await file.close();
  }
}
