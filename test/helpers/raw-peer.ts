import { randomBytes } from 'node:crypto';
import { createConnection, type Socket } from 'node:net';

/**
 * A BitTorrent peer written by hand over a raw TCP socket: it says what a
 * test wants on the wire, in bytes, however wrong. It keeps the first 64 KiB
 * it receives and notes when the other side closed.
 */
export class RawPeer {
  received = Buffer.alloc(0);
  /** Date.now() when the socket closed (undefined while open). */
  closedAt?: number;
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      if (this.received.length < 65_536) this.received = Buffer.concat([this.received, chunk]);
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.closedAt = Date.now();
      resolve();
    }));
  }

  /** Connect to `port` on 127.0.0.1 (from `localAddress`, another loopback address, when given). */
  static connect(port: number, options: { localAddress?: string } = {}): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port, localAddress: options.localAddress });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawPeer(socket));
      });
    });
  }

  get isClosed(): boolean {
    return this.closedAt !== undefined;
  }

  /** The plain handshake (no extensions) for `infoHash` (hex). */
  handshake(infoHash: string): void {
    this.send(Buffer.concat([Buffer.from([19]), Buffer.from('BitTorrent protocol'), Buffer.alloc(8), Buffer.from(infoHash, 'hex'), randomBytes(20)]));
  }

  /** Wait until the other side's handshake (68 bytes) arrived; false on close or timeout. */
  async handshakeAnswered(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < 68 && !this.isClosed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return this.received.length >= 68;
  }

  /** One message: its 4-byte length (`length`, or the body's), then the body. */
  message(body: Buffer, length = body.length): void {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(length);
    this.send(Buffer.concat([head, body]));
  }

  send(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /**
   * Stream `total` bytes of `fill` (in 64 KiB writes, as fast as the other
   * side reads) or until it closes; resolves with the bytes sent.
   */
  async stream(total: number, fill: number): Promise<number> {
    const chunk = Buffer.alloc(64 * 1024, fill);
    let sent = 0;
    while (sent < total && !this.socket.destroyed && !this.isClosed) {
      sent += chunk.length;
      if (!this.socket.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            this.socket.off('drain', done);
            this.socket.off('close', done);
            resolve();
          };
          this.socket.on('drain', done);
          this.socket.on('close', done);
        });
      }
    }
    return sent;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
