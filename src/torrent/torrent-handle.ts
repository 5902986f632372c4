import type { Torrent, Wire } from 'webtorrent';
import type { PeerGuard } from './peer-guard.js';

/** Who sent bytes: BitTorrent peers, or the mirror (web seed or plain HTTP). */
export type ByteSource = 'peers' | 'mirror';

/**
 * One torrent in the client, in apt-torrent's terms: what it has, who is
 * connected, bytes by source, the tracker's answers. The rest of the code
 * sees webtorrent only through this, so its internals (wires, the tracker
 * client, the bitfield) stay in this folder.
 */
export class TorrentHandle {
  constructor(
    private readonly torrent: Torrent,
    private readonly guard?: PeerGuard,
  ) {}

  get name(): string {
    return this.torrent.name;
  }

  /** Bytes of all files together. */
  get length(): number {
    return this.torrent.length;
  }

  get pieceLength(): number {
    return this.torrent.pieceLength;
  }

  /** The files as webtorrent will write them, relative to the torrent's path. */
  get files(): ReadonlyArray<{ name: string; length: number }> {
    return this.torrent.files.map((file) => ({ name: file.name, length: file.length }));
  }

  /** Every piece is verified and written. */
  get done(): boolean {
    return this.torrent.done;
  }

  /** Done, or destroyed: nothing more will arrive. */
  get over(): boolean {
    return this.torrent.done || this.torrent.destroyed;
  }

  /** Verified bytes. */
  get downloaded(): number {
    return this.torrent.downloaded;
  }

  get uploaded(): number {
    return this.torrent.uploaded;
  }

  /** The piece `index` is verified and written. */
  has(index: number): boolean {
    return this.torrent.bitfield.get(index);
  }

  /** BitTorrent peers connected now; the mirror as web seed is not one. */
  peers(): number {
    return this.torrent.wires.filter((wire) => wire.type !== 'webSeed').length;
  }

  /** Connections of any kind, web seed included. */
  connections(): number {
    return this.torrent.wires.length;
  }

  /** Connect out to a peer (`ip:port`) learned outside webtorrent, from a tracker answer say. */
  addPeer(address: string): void {
    if (!this.torrent.destroyed) this.torrent.addPeer(address);
  }

  /**
   * Resolves once webtorrent has read the torrent and opened its file, so
   * peers handed over find it; rejects on its error or after `timeoutMs`.
   */
  ready(timeoutMs: number): Promise<void> {
    if (this.torrent.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.torrent.off('ready', onReady);
        this.torrent.off('error', done);
        if (error) reject(error);
        else resolve();
      };
      const onReady = () => done();
      const timer = setTimeout(() => done(new Error(`not ready after ${timeoutMs} ms`)), timeoutMs);
      this.torrent.once('ready', onReady);
      this.torrent.once('error', done);
    });
  }

  /** Let the mirror in as web seed: pieces by HTTP Range requests, beside the peers. */
  addWebSeed(url: string): void {
    this.torrent.addWebSeed(url);
  }

  /** Every block received, with its source. Counts connections made after the call. */
  onBytes(listener: (count: number, source: ByteSource) => void): void {
    this.torrent.on('wire', (wire: Wire) => {
      const source: ByteSource = wire.type === 'webSeed' ? 'mirror' : 'peers';
      wire.on('download', (count: number) => listener(count, source));
    });
  }

  /**
   * Each answer of the tracker: how many seeders it knows (undefined when it
   * did not say). webtorrent does not pass this on; its tracker client does.
   */
  onTrackerAnswer(listener: (seeders: number | undefined) => void): void {
    const tracker = (this.torrent as unknown as { discovery?: { tracker?: { on(event: string, listener: (data: { complete?: number }) => void): void } } }).discovery?.tracker;
    tracker?.on('update', (data) => listener(typeof data.complete === 'number' ? data.complete : undefined));
  }

  onDone(listener: () => void): void {
    this.torrent.once('done', listener);
  }

  /** A BitTorrent error (the torrent is destroyed with it): a disk error, say. */
  onError(listener: (error: Error) => void): void {
    this.torrent.on('error', listener);
  }

  /** Addresses of peers shut out for sending pieces that failed verification. */
  bannedPeers(): string[] {
    return [...(this.guard?.banned ?? [])];
  }

  /** Close the torrent; its data stays on disk. */
  destroy(): Promise<void> {
    return new Promise((resolve) => this.torrent.destroy({ destroyStore: false }, () => resolve()));
  }
}
