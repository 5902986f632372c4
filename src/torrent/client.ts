import type { FileHandle } from 'node:fs/promises';
import type { Socket } from 'node:net';
import type WebTorrent from 'webtorrent';
import type { Torrent, Wire } from 'webtorrent';
import { AddressSet } from './address-set.js';
import { harden, register } from './harden.js';
import { PeerGuard } from './peer-guard.js';
import { ReadOnlyStore } from './read-only-store.js';
import { TorrentHandle } from './torrent-handle.js';

export interface TorrentClientOptions {
  /** TCP port for incoming peers; 0 picks a free one. Listens on all interfaces: real peers live on real addresses. */
  port: number;
  dht: boolean;
  lsd: boolean;
  /** uTP is 20-30x slower than TCP in webtorrent 2.8 (measured on loopback: 2.5 against 40-70 MiB/s); off unless asked for. */
  utp: boolean;
  /** Bytes per second; -1 for no limit. */
  downloadLimit?: number;
  uploadLimit?: number;
  maxConns?: number;
  /**
   * Incoming connections are accepted elsewhere and handed over (`accept`):
   * webtorrent's own listener is closed, and the other listener's port is
   * set with `advertisePort`. The seeding daemon's way.
   */
  handover?: boolean;
  /** Announce to trackers (default true); false when the caller announces itself. */
  tracker?: boolean;
}

/**
 * A webtorrent client as apt-torrent wants it: TCP only by default, no DHT,
 * no local peer discovery and no UPnP/NAT-PMP (they reach beyond the mirror's
 * swarm and this machine), and a blocklist that starts empty so peers caught
 * sending bad pieces or breaking the wire's limits can be shut out, incoming
 * ones too (harden.ts bounds what peers and mirrors can make it do).
 * webtorrent is imported here, on first use: it costs ~300 ms and ~47 MiB,
 * which installs without torrents must not pay.
 * This is the bare webtorrent client: apt-torrent uses it through TorrentClient;
 * tests that play a plain peer use it as it is.
 */
export async function createTorrentClient(options: TorrentClientOptions): Promise<WebTorrent> {
  const [{ default: WebTorrentClass }] = await Promise.all([import('webtorrent'), harden()]);
  const client = new WebTorrentClass({
    torrentPort: options.port,
    dht: options.dht,
    lsd: options.lsd,
    utp: options.utp,
    natUpnp: false,
    natPmp: false,
    utPex: false,
    downloadLimit: options.downloadLimit ?? -1,
    uploadLimit: options.uploadLimit ?? -1,
    maxConns: options.maxConns,
    ...(options.tracker === false ? { tracker: false } : {}),
  });
  // Not webtorrent's blocklist (an IPSet that reads IPv6 and IPv4-mapped addresses as unrelated numbers).
  client.blocked = new AddressSet();
  register(client);
  await new Promise<void>((resolve, reject) => {
    if (client.listening) return resolve();
    client.once('listening', () => resolve());
    client.once('error', reject);
  });
  if (options.handover) {
    // Connections come through accept(); the pool's server, on a random port of every interface, would be a second door.
    const pool = (client as unknown as { _connPool?: { tcpServer?: { close(): void } } })._connPool;
    pool?.tcpServer?.close();
  }
  return client;
}

/**
 * A torrent as a seed wants it: quiet about trackers it cannot reach (normal
 * on a laptop; they must not fill the journal) and, with `idleMs`, rid of
 * a peer that got no byte of the file for that long and is not waiting
 * for its turn (interested while choked). webtorrent keeps a seed's peers
 * for as long as they stay connected, wanting nothing or stalled on
 * purpose, each holding a connection slot.
 */
function asSeed(torrent: Torrent, idleMs: number | undefined): Torrent {
  torrent.on('warning', () => {});
  if (idleMs !== undefined && idleMs > 0) {
    torrent.on('wire', (wire: Wire) => {
      const timer = setTimeout(() => (wire.peerInterested && wire.amChoking ? timer.refresh() : wire.destroy()), idleMs);
      timer.unref();
      wire.on('upload', () => timer.refresh());
      wire.once('close', () => clearTimeout(timer));
    });
  }
  return torrent;
}

/** The BitTorrent client in apt-torrent's terms: torrents to download or seed, each a TorrentHandle. */
export class TorrentClient {
  private constructor(private readonly client: WebTorrent) {}

  static async open(options: TorrentClientOptions): Promise<TorrentClient> {
    return new TorrentClient(await createTorrentClient(options));
  }

  /** The port peers reach this client on. */
  get port(): number {
    return this.client.torrentPort;
  }

  /** With `handover`: the port of the listener that hands connections over, which DHT tells peers. */
  advertisePort(port: number): void {
    this.client.torrentPort = port;
  }

  /** This client's peer id (hex), for announces made outside webtorrent. */
  get peerId(): string {
    return this.client.peerId;
  }

  /** A peer shut out for breaking the wire's limits or sending bad pieces. */
  isBlocked(address: string): boolean {
    return this.client.blocked?.contains(address) ?? false;
  }

  /**
   * Hand over an incoming connection whose handshake head (`head`, read off
   * the socket already) named a torrent this client has: the bytes go back in
   * front of the stream and webtorrent's connection pool takes it as if it
   * had accepted it (the bans of peer-bans.ts apply there too).
   */
  accept(socket: Socket, head: Buffer): void {
    const pool = (this.client as unknown as { _connPool?: { _onConnection(conn: Socket, type: string): void } })._connPool;
    if (!pool) {
      socket.destroy();
      return;
    }
    socket.unshift(head);
    pool._onConnection(socket, 'tcp');
  }

  /** Errors of the client itself (its sockets), not of one torrent. */
  onError(listener: (error: Error) => void): void {
    this.client.on('error', listener);
  }

  /**
   * Download a torrent into `dir`, keeping pieces already there. Resolves once
   * webtorrent has read the torrent and checked what is on disk. Peers caught
   * sending bad pieces are dropped and blocked (see PeerGuard).
   */
  download(data: Buffer, dir: string, options: { maxWebConns: number; freshPieces?: number }): Promise<TorrentHandle> {
    return new Promise((resolve, reject) => {
      const torrent = this.client.add(data, {
        path: dir,
        maxWebConns: options.maxWebConns,
        storeCacheSlots: 0,
        // A file created empty in this run (freshPieces: the torrent's piece count) holds no piece yet: an
        // all-clear bitfield tells webtorrent so, and it reads nothing back (what a head start writes
        // meanwhile is handed over piece by piece).
        ...(options.freshPieces ? { bitfield: new Uint8Array(Math.ceil(options.freshPieces / 8)) } : {}),
      });
      const onError = (error: Error) => reject(error);
      torrent.once('error', onError);
      torrent.once('ready', () => {
        torrent.off('error', onError);
        resolve(new TorrentHandle(torrent, new PeerGuard(torrent, (address) => this.client.blocked?.add(address))));
      });
    });
  }

  /**
   * Seed a file in `dir` that was verified just now: webtorrent need not read
   * it again. Throws when webtorrent refuses the torrent at once.
   * `idlePeerMs`: see asSeed (in the seeding daemon, an idle peer would also keep its torrent awake).
   */
  seed(data: Buffer, dir: string, options: { idlePeerMs?: number } = {}): TorrentHandle {
    const torrent = this.client.add(data, { path: dir, skipVerify: true, storeCacheSlots: 0 });
    return new TorrentHandle(asSeed(torrent, options.idlePeerMs));
  }

  /**
   * Seed a verified file read-only from a descriptor its caller opened
   * (openReadOnly in read-only-store.ts), for a process that may read the
   * file but not write it: the torrent reads it by that descriptor, whatever
   * happens to its name, and closes it with the torrent.
   */
  seedReadOnly(data: Buffer, file: FileHandle, torrent: { size: number; pieceLength: number; dir: string }, options: { idlePeerMs?: number } = {}): TorrentHandle {
    const store = new ReadOnlyStore(torrent.pieceLength, file, torrent.size);
    // `dir` (where the file is) is only a name for webtorrent: every read goes to the store.
    const added = this.client.add(data, { path: torrent.dir, preloadedStore: store, skipVerify: true, storeCacheSlots: 0 });
    return new TorrentHandle(asSeed(added, options.idlePeerMs));
  }

  /** Destroy the client and wait for its sockets to close. */
  destroy(): Promise<void> {
    return new Promise((resolve) => this.client.destroy(() => resolve()));
  }
}
