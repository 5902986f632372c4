import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Duplex, PassThrough } from 'node:stream';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';

/**
 * One loopback port that speaks both plain HTTP and HTTPS (it looks at the
 * first byte: 0x16 opens a TLS handshake), relaying each to a server of its
 * own: `http://127.0.0.1:P/` and `https://127.0.0.1:P/` are the same host
 * and port under two schemes, as when a mirror redirects between them.
 */
export class DualPort {
  private server?: Server;
  private context?: SecureContext;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly targets: { plain: number; tls: number }, private readonly credentials: { cert: string; key: string }) {}

  async start(): Promise<number> {
    this.context = createSecureContext(this.credentials);
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      socket.once('data', (first: Buffer) => {
        socket.pause();
        if (first[0] !== 0x16) {
          socket.unshift(first);
          this.relay(socket, this.targets.plain);
          return;
        }
        // A TLSSocket on a net.Socket reads its handle directly, past what was read here: give it a stream that starts with it.
        const inbound = new PassThrough();
        inbound.write(first);
        socket.pipe(inbound);
        const secure = new TLSSocket(Duplex.from({ readable: inbound, writable: socket }), { isServer: true, secureContext: this.context });
        secure.on('error', () => socket.destroy());
        this.relay(secure, this.targets.tls);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  private relay(client: Socket, port: number): void {
    const upstream = connect(port, '127.0.0.1');
    this.sockets.add(upstream);
    upstream.on('close', () => this.sockets.delete(upstream));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
