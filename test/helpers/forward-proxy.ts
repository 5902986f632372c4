import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A forward HTTP proxy like apt-cacher-ng or squid: it takes absolute-URI
 * requests (`GET http://host/path`), fetches them and records what passed.
 */
export class ForwardProxy {
  readonly seen: string[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((incoming, outgoing) => {
      this.seen.push(incoming.url ?? '');
      let target: URL;
      try {
        target = new URL(incoming.url ?? '');
      } catch {
        outgoing.writeHead(400).end('absolute URI expected');
        return;
      }
      const upstream = httpRequest(target, { method: incoming.method, headers: { ...incoming.headers, host: target.host } }, (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      });
      upstream.on('error', () => outgoing.destroy());
      incoming.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
