/**
 * The seeding daemon's one door for peers: a TCP listener on
 * seed.listenPort (all interfaces: real peers live on real addresses). Each
 * connection's BitTorrent handshake head is read first, bounded (68 bytes,
 * a deadline, a cap on connections still being read), and only then is the
 * peer handed on with the infohash it asked for, so a torrent can sleep
 * outside the BitTorrent client until someone wants it.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { couldBeHandshake, HANDSHAKE_LENGTH, handshakeInfoHash } from '../bittorrent/handshake.js';

export interface PeerListenerOptions {
  port: number;
  /** Connections whose handshake is still being read; more are closed at once. */
  maxPending: number;
  /** Of those, from one address: one host must not take every slot with connections that say nothing. */
  maxPendingPerAddress: number;
  handshakeTimeoutMs: number;
  /** Addresses shut out: closed before a byte is read. */
  isBlocked(address: string): boolean;
  /**
   * A peer that sent a handshake head for `infoHash`. `head` holds every byte
   * read so far (68 or more); the socket is paused and is the callee's now.
   */
  onPeer(infoHash: string, socket: Socket, head: Buffer): void;
}

export interface PeerListener {
  port: number;
  /** Connections still in their handshake now. */
  pending(): number;
  close(): Promise<void>;
}

export function listenPeers(options: PeerListenerOptions): Promise<PeerListener> {
  const pending = new Set<Socket>();
  /** Connections in their handshake per address; holds only addresses that have one, so at most maxPending keys. */
  const perAddress = new Map<string, number>();
  // Every connection accepted, handed on or not: close() ends them all, or the server would wait for them.
  const open = new Set<Socket>();
  const server: Server = createServer({ pauseOnConnect: false }, (socket) => {
    socket.on('error', () => {});
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    const address = socket.remoteAddress?.replace(/^::ffff:/i, '');
    if (!address || options.isBlocked(socket.remoteAddress!) || pending.size >= options.maxPending || (perAddress.get(address) ?? 0) >= options.maxPendingPerAddress) {
      socket.destroy();
      return;
    }
    pending.add(socket);
    perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => {
      if (!pending.delete(socket)) return;
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', finish);
    };
    const timer = setTimeout(() => {
      finish();
      socket.destroy();
    }, options.handshakeTimeoutMs);
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      const head = Buffer.concat(chunks, size);
      if (size < HANDSHAKE_LENGTH) {
        if (!couldBeHandshake(head)) {
          finish();
          socket.destroy();
        }
        return;
      }
      finish();
      socket.pause();
      const asked = handshakeInfoHash(head);
      if ('refused' in asked) {
        socket.destroy();
        return;
      }
      options.onPeer(asked.infoHash, socket, head);
    };
    socket.on('data', onData);
    socket.once('close', finish);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, () => {
      server.off('error', reject);
      server.on('error', () => {});
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : options.port,
        pending: () => pending.size,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const socket of open) socket.destroy();
          }),
      });
    });
  });
}
