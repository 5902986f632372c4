import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay that holds every chunk for `delayMs` in each direction: a
 * mirror `2 x delayMs` of round trip away, on loopback (netem is not
 * available here). Connection set-up pays the delay too, as on a real link.
 * A receiver that does not keep up pauses the sender, so the relay holds at
 * most about `delayMs` of traffic and the server's count of bytes sent stays
 * close to what the client got.
 */
export class LatencyProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  url = '';

  constructor(private readonly target: { host: string; port: number }, private readonly delayMs: number) {}

  async start(host = '127.0.0.1', port = 0): Promise<string> {
    this.server = createServer((client) => {
      const upstream = createConnection(this.target);
      this.sockets.add(client).add(upstream);
      const relay = (from: Socket, to: Socket) => {
        from.on('data', (chunk) => setTimeout(() => {
          if (to.writable && !to.write(chunk)) {
            from.pause();
            to.once('drain', () => from.resume());
          }
        }, this.delayMs));
        from.on('end', () => setTimeout(() => to.end(), this.delayMs));
        from.on('error', () => to.destroy());
        from.on('close', () => this.sockets.delete(from));
      };
      relay(client, upstream);
      relay(upstream, client);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    this.url = `http://${host}:${(this.server.address() as AddressInfo).port}/`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
