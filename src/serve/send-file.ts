/**
 * Sending one file the way a mirror's web server should: Range (206/416),
 * validators (ETag, Last-Modified) with 304s, Accept-Ranges, HEAD, and a
 * caching policy by path. The file is opened once and everything (size,
 * validators, bytes) comes from that open file, so a file replaced while it
 * is being served cannot mix old headers with new bytes.
 */
import type { FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { etagOf, lastModifiedOf, notModified, rangeAllowed } from './conditional.js';
import { decideRange } from './range.js';

const TYPES: Array<[RegExp, string]> = [
  [/\.deb$/, 'application/vnd.debian.binary-package'],
  [/\.torrent$/, 'application/x-bittorrent'],
  [/\.json$/, 'application/json'],
  [/\.gz$/, 'application/gzip'],
  [/\.xz$/, 'application/x-xz'],
  [/\.(bz2)$/, 'application/x-bzip2'],
  [/(^|\/)(In)?Release$|\.(gpg|asc|txt)$|(^|\/)Packages$|(^|\/)Sources$/, 'text/plain; charset=utf-8'],
];

/** Content-Type by name; APT does not care, browsers and proxies do. */
export function contentTypeOf(path: string): string {
  return TYPES.find(([pattern]) => pattern.test(path))?.[1] ?? 'application/octet-stream';
}

/**
 * Caching by path: a pool file never changes under its name (Debian archive
 * rule), so caches may keep it a day; indexes, manifests and torrents
 * (rewritten when trackers change) are revalidated on every use, cheaply, with 304s.
 */
export function cacheControlOf(relative: string): string {
  return relative.startsWith('pool/') && relative.endsWith('.deb') ? 'public, max-age=86400' : 'no-cache';
}

/** Answer a GET or HEAD for an open file; closes the handle. */
export async function sendFile(request: IncomingMessage, response: ServerResponse, handle: FileHandle, relative: string): Promise<void> {
  let streaming = false;
  try {
    const stat = await handle.stat();
    const stamp = { size: stat.size, mtimeMs: stat.mtimeMs };
    response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader('ETag', etagOf(stamp));
    response.setHeader('Last-Modified', lastModifiedOf(stamp));
    response.setHeader('Cache-Control', cacheControlOf(relative));
    if (notModified(request.headers, stamp)) {
      response.writeHead(304).end();
      return;
    }
    response.setHeader('Content-Type', contentTypeOf(relative));
    const ifRange = request.headers['if-range'];
    const header = rangeAllowed(typeof ifRange === 'string' ? ifRange : undefined, stamp) ? request.headers.range : undefined;
    const range = decideRange(header, stat.size);
    if (range.kind === 'unsatisfiable') {
      response.writeHead(416, { 'Content-Range': `bytes */${stat.size}`, 'Content-Length': 0 }).end();
      return;
    }
    const start = range.kind === 'partial' ? range.start : 0;
    const end = range.kind === 'partial' ? range.end : stat.size - 1;
    if (range.kind === 'partial') response.setHeader('Content-Range', `bytes ${start}-${end}/${stat.size}`);
    response.writeHead(range.kind === 'partial' ? 206 : 200, { 'Content-Length': end - start + 1 });
    if (request.method === 'HEAD' || end < start) {
      response.end();
      return;
    }
    streaming = true;
    // The stream owns the handle from here and closes it when done or destroyed.
    await pipeline(handle.createReadStream({ start, end }), response).catch(() => response.destroy());
  } finally {
    if (!streaming) await handle.close();
  }
}
