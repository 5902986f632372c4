/**
 * The embedded tracker of `serve --tracker`: bittorrent-tracker's Server
 * with no sockets of its own, answering /announce and /scrape on our HTTP
 * server (its own listen() on 127.0.0.1 fails, since it reuses the address
 * for UDP over IPv6; and one port is
 * simpler for small deployments and the demo anyway). Loaded only when
 * asked for.
 *
 * It tracks only torrents this server stands for (infohashes in a manifest
 * or of torrents it made or served), so it cannot be used as an open
 * tracker for anything else.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Clients re-announce this often; short, so a demo swarm forms quickly. */
const ANNOUNCE_INTERVAL_MS = 60_000;

export interface EmbeddedTracker {
  handle(request: IncomingMessage, response: ServerResponse, action: 'announce' | 'scrape'): void;
  close(): Promise<void>;
}

export async function startTracker(options: { trustProxy: boolean; known: (infoHash: string) => Promise<boolean>; log: (message: string) => void }): Promise<EmbeddedTracker> {
  const { Server } = await import('bittorrent-tracker');
  const server = new Server({
    http: false,
    udp: false,
    ws: false,
    stats: false,
    interval: ANNOUNCE_INTERVAL_MS,
    trustProxy: options.trustProxy,
    filter: (infoHash, _params, callback) => {
      options.known(infoHash).then(
        (known) => callback(known ? null : new Error('this tracker only tracks the torrents of this archive')),
        (error: Error) => callback(error),
      );
    },
  });
  // Bad announces are the client's problem; they must not take the server down.
  server.on('warning', () => {});
  server.on('error', (error: Error) => options.log(`tracker: ${error.message}`));
  return {
    handle: (request, response, action) => {
      response.setHeader('Content-Type', 'text/plain');
      response.setHeader('Cache-Control', 'no-store');
      server.onHttpRequest(request, response, { action });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
