import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the front answers a request it takes over; return false to pass it to the mirror behind. */
export type Takeover = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * A mirror that misbehaves only for some requests: an HTTP front that
 * passes everything to an honest mirror (a TestMirror) except what
 * `takeover` answers itself. The bytes it sent of its own are counted.
 */
export class HostileFront {
  url = '';
  takeover: Takeover = () => false;
  /** Body bytes the front wrote of its own answers. */
  sentOwn = 0;
  private readonly server: Server;

  constructor(private readonly upstream: string) {
    this.server = createServer((request, response) => {
      if (this.takeover(request, response)) return;
      const target = new URL(request.url ?? '/', this.upstream);
      const forward = httpRequest(target, { method: request.method, headers: { ...request.headers, host: target.host } }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      forward.on('error', () => response.destroy());
      request.pipe(forward);
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this.url;
  }

  /** Write `bytes` bytes of filler, made as they go out (never stored), as fast as the client reads. */
  flood(response: ServerResponse, bytes: number): void {
    const chunk = Buffer.alloc(1 << 20, 0x55);
    let sent = 0;
    const pump = () => {
      while (!response.destroyed && sent < bytes) {
        const piece = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
        sent += piece.length;
        this.sentOwn += piece.length;
        if (!response.write(piece)) return;
      }
      if (sent >= bytes) response.end();
    };
    response.on('drain', pump);
    pump();
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
