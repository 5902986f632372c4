/**
 * The part of bittorrent-tracker 11 that `serve --tracker` uses: a Server
 * with no listeners of its own, fed HTTP requests by our server. The
 * package ships no types.
 */
declare module 'bittorrent-tracker' {
  import type { EventEmitter } from 'node:events';
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface ServerOptions {
    /** Announce interval told to clients, ms. */
    interval?: number;
    /** Take the peer's address from X-Forwarded-For (behind a reverse proxy). */
    trustProxy?: boolean;
    http?: boolean;
    udp?: boolean;
    ws?: boolean;
    stats?: boolean;
    /** Called per announce with the hex infohash; `callback(error)` refuses it. */
    filter?: (infoHash: string, params: unknown, callback: (error?: Error | null) => void) => void;
  }

  export class Server extends EventEmitter {
    constructor(options?: ServerOptions);
    torrents: Record<string, unknown>;
    onHttpRequest(request: IncomingMessage, response: ServerResponse, options?: { action?: 'announce' | 'scrape'; trustProxy?: boolean }): void;
    close(callback?: (error?: Error | null) => void): void;
  }
}
