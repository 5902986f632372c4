/**
 * `apt-torrent serve`: an archive over HTTP for small deployments and the
 * demo, or behind nginx for the one thing nginx cannot do (make missing
 * .torrent files). Routing only; each concern is in its own file.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { open, readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AptTorrentError } from '../errors.js';
import { fileUrl } from '../manifest/paths.js';
import { parseTorrent } from '../bittorrent/torrent.js';
import { realInside } from './inside-root.js';
import { isUnspecified, type ListenAddress, urlHost } from './listen-address.js';
import { ManifestIndex } from './manifest-index.js';
import { decidePath } from './request-path.js';
import { sendFile } from './send-file.js';
import { BusyError, MismatchError, TorrentMaker } from './torrent-maker.js';
import { type EmbeddedTracker, startTracker } from './tracker.js';

export interface ServeOptions {
  archiveRoot: string;
  /** Tree of .torrent files laid out like the archive; default the archive root. */
  torrentRoot?: string;
  listen: ListenAddress;
  /** Public URL of the archive root, for web seeds of on-demand torrents; default from the listen address. */
  baseUrl?: string;
  tracker: boolean;
  trustProxy: boolean;
  /** Make torrents for any pool .deb, not only those in a manifest. */
  anyDeb: boolean;
  log: (message: string) => void;
}

export interface RunningServer {
  /** Where it listens, e.g. `http://127.0.0.1:41234/` (loopback for an all-interfaces address). */
  url: string;
  /** The public URL of the archive root used in torrents made here. */
  baseUrl: string;
  announceUrl?: string;
  close(): Promise<void>;
}

const TORRENT = '.torrent';

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const root = await realDirectory(options.archiveRoot, '--archive-root');
  const torrentRoot = options.torrentRoot ? await realDirectory(options.torrentRoot, '--torrent-root') : root;
  const manifests = new ManifestIndex(root, (message) => options.log(`warning: ${message}`));
  const maker = new TorrentMaker(options.log);
  // Infohashes of torrents made or served here, for the tracker's filter.
  const seen = new Set<string>();
  const tracker = options.tracker
    ? await startTracker({ trustProxy: options.trustProxy, log: options.log, known: async (hash) => seen.has(hash) || manifests.hasInfoHash(hash) })
    : undefined;
  let baseUrl = options.baseUrl ?? '';
  const context: Context = { root, torrentRoot, manifests, maker, seen, tracker, options, urls: () => ({ baseUrl, announceUrl: tracker ? `${baseUrl}announce` : undefined }) };

  const server = createServer((request, response) => {
    route(request, response, context).catch((error: Error) => {
      options.log(`error: ${request.method} ${request.url}: ${error.message}`);
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error\n');
      else response.destroy();
    });
  });
  const port = await listen(server, options.listen);
  const { host } = options.listen;
  const url = `http://${urlHost(isUnspecified(host) ? (host.includes(':') ? '::1' : '127.0.0.1') : host)}:${port}/`;
  // Torrents name a URL others can reach: the machine's name rather than "every interface".
  if (!options.baseUrl) baseUrl = `http://${urlHost(isUnspecified(host) ? hostname() : host)}:${port}/`;
  else if (!baseUrl.endsWith('/')) baseUrl += '/';
  return {
    url,
    baseUrl,
    announceUrl: context.urls().announceUrl,
    close: async () => {
      await Promise.all([new Promise((done) => server.close(done)), tracker?.close()]);
      server.closeAllConnections();
    },
  };
}

interface Context {
  root: string;
  torrentRoot: string;
  manifests: ManifestIndex;
  maker: TorrentMaker;
  seen: Set<string>;
  tracker?: EmbeddedTracker;
  options: ServeOptions;
  urls(): { baseUrl: string; announceUrl?: string };
}

async function route(request: IncomingMessage, response: ServerResponse, context: Context): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(response, 405, 'only GET and HEAD\n', { Allow: 'GET, HEAD' });
  const decision = decidePath(request.url ?? '');
  if (decision.kind === 'bad') return plain(response, 400, `${decision.reason}\n`);
  if (decision.kind === 'forbidden') return plain(response, 403, `${decision.reason}\n`);
  const { relative } = decision;
  if (context.tracker && (relative === 'announce' || relative === 'scrape')) return context.tracker.handle(request, response, relative);

  const isTorrent = relative.endsWith(TORRENT);
  const base = isTorrent ? context.torrentRoot : context.root;
  const found = await realInside(base, join(base, relative));
  if (found.outside) return plain(response, 403, 'outside the archive\n');
  if (found.real) {
    const info = await stat(found.real);
    if (!info.isFile()) return plain(response, 404, 'not found\n');
    if (isTorrent && context.tracker) await remember(found.real, context.seen);
    return sendFile(request, response, await open(found.real), relative);
  }
  if (isTorrent) return onDemand(request, response, relative.slice(0, -TORRENT.length), context);
  return plain(response, 404, 'not found\n');
}

/** Make (once) and send the torrent of a pool file that may have one. */
async function onDemand(request: IncomingMessage, response: ServerResponse, filename: string, context: Context): Promise<void> {
  const hit = await context.manifests.lookup(filename);
  if (!hit && !(context.options.anyDeb && filename.endsWith('.deb'))) return plain(response, 404, 'not found (no torrent is published for this file)\n');
  const source = await realInside(context.root, join(context.root, filename));
  if (source.outside) return plain(response, 403, 'outside the archive\n');
  const info = source.real ? await stat(source.real) : undefined;
  if (!source.real || !info?.isFile()) return plain(response, 404, 'not found\n');

  const { baseUrl, announceUrl } = context.urls();
  // A manifest's file gets exactly the torrent publish would write; any other .deb gets this server's URLs.
  const locations = hit
    ? { trackers: hit.manifest.trackers, webSeeds: [fileUrl(hit.manifest.archive, filename)] }
    : { trackers: announceUrl ? [announceUrl] : [], webSeeds: [fileUrl(baseUrl, filename)] };
  const target = join(context.torrentRoot, filename + TORRENT);
  try {
    const made = await context.maker.get({
      filename, source: source.real, size: info.size, target, locations,
      ...(hit ? { expected: { size: hit.file.size, sha256: hit.file.sha256, pieceLength: hit.file.pieceLength, infoHash: hit.file.infoHash } } : {}),
    }, info.mtimeMs);
    if (made.infoHash) context.seen.add(made.infoHash);
    if (made.stored) return sendFile(request, response, await open(target), filename + TORRENT);
    response.writeHead(200, { 'Content-Type': 'application/x-bittorrent', 'Content-Length': made.bytes.length, 'Cache-Control': 'no-cache' });
    response.end(request.method === 'HEAD' ? undefined : made.bytes);
  } catch (error) {
    if (error instanceof BusyError) return plain(response, 503, `busy: ${error.message}; try again shortly\n`, { 'Retry-After': '5' });
    if (!(error instanceof MismatchError)) throw error;
    context.options.log(`error: ${error.message}`);
    // The details (a size and SHA256 of a file on disk) go to the log, not to whoever asked.
    plain(response, 500, 'no torrent can be made for this file now; the server log says why\n');
  }
}

async function remember(path: string, seen: Set<string>): Promise<void> {
  try {
    seen.add(parseTorrent(await readFile(path)).infoHash);
  } catch {
    // Not a torrent we can read: it is still served, only not tracked.
  }
}

function plain(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...headers }).end(body);
}

async function realDirectory(path: string, option: string): Promise<string> {
  try {
    const real = await realpath(resolve(path));
    if ((await stat(real)).isDirectory()) return real;
  } catch {
    // Reported below.
  }
  throw new AptTorrentError('E_SERVE', `${option} ${path} is not a directory`, { hint: 'give the directory that holds dists/ and pool/' });
}

function listen(server: Server, address: ListenAddress): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const hint = error.code === 'EADDRINUSE' ? 'another program uses that port: pick another with --listen HOST:PORT'
        : error.code === 'EACCES' ? 'ports below 1024 need privileges: use a higher port and let nginx face the network'
          : 'check --listen';
      reject(new AptTorrentError('E_SERVE', `cannot listen on ${urlHost(address.host)}:${address.port}: ${error.message}`, { hint, cause: error }));
    });
    server.listen(address.port, address.host, () => resolvePort((server.address() as AddressInfo).port));
  });
}
