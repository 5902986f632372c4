import type { Torrent, Wire } from 'webtorrent';
import { createHash } from 'node:crypto';
import { MirrorValve } from './mirror-valve.js';
import type { PeerGuard } from './peer-guard.js';

/** One piece as the mirror's top-up sees it. */
export interface PieceState {
  have: boolean;
  /** Connected peers (not the web seed) that have it. */
  availability: number;
  /** A peer is sending it now. */
  reserved: boolean;
}

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

  /**
   * Let the mirror in as a web seed that sends only the pieces granted to it
   * (mirror-valve.ts). Undefined if webtorrent's internals are not as
   * expected: then the caller may add a plain web seed instead.
   */
  openMirror(url: string): MirrorValve | undefined {
    return MirrorValve.open(this.torrent, url);
  }

  /**
   * Take in pieces `first`..`last` that were written into the file around
   * webtorrent (by plain HTTP): each one whose SHA1 matches the torrent's is
   * marked verified and announced to the peers, so it is shared at once.
   * @returns how many pieces were taken in
   */
  async adoptPieces(first: number, last: number): Promise<number> {
    const internals = this.torrent as unknown as TorrentInternals;
    if (typeof internals._markVerified !== 'function' || !Array.isArray(internals._hashes) || !internals.store) return 0;
    let adopted = 0;
    for (let index = first; index <= last && !internals.destroyed; index += 1) {
      if (this.torrent.bitfield.get(index)) continue;
      const data = await new Promise<Uint8Array | undefined>((resolve) => internals.store!.get(index, (error, chunk) => resolve(error ? undefined : chunk)));
      if (!data || internals.destroyed || this.torrent.bitfield.get(index)) continue;
      if (createHash('sha1').update(data).digest('hex') !== internals._hashes[index]) continue;
      this.markVerified(index);
      adopted += 1;
    }
    internals._checkDone?.();
    return adopted;
  }

  /**
   * Take pieces another writer put into the file and checked against the
   * torrent's piece hashes (head-start.ts): served from here at once, not
   * read back.
   */
  markPieces(indices: readonly number[]): void {
    const internals = this.torrent as unknown as TorrentInternals;
    if (typeof internals._markVerified !== 'function' || internals.destroyed || !this.torrent.bitfield) return;
    let marked = 0;
    for (const index of indices) {
      if (!Number.isInteger(index) || index < 0 || index >= this.torrent.pieces.length || this.torrent.bitfield.get(index)) continue;
      this.markVerified(index);
      marked += 1;
    }
    if (marked > 0) internals._checkDone?.();
  }

  /** What each piece looks like now: ours, how many connected peers have it, whether one is sending it. */
  pieceStates(): PieceState[] {
    const internals = this.torrent as unknown as { _reservations?: Array<Array<unknown> | null> };
    const peers = this.torrent.wires.filter((wire) => wire.type !== 'webSeed') as unknown as Array<{ peerPieces: { get(index: number): boolean } }>;
    return this.torrent.pieces.map((_, index) => ({
      have: this.torrent.bitfield.get(index),
      availability: peers.reduce((count, wire) => count + (wire.peerPieces.get(index) ? 1 : 0), 0),
      reserved: internals._reservations?.[index]?.some((wire) => wire) ?? false,
    }));
  }

  /**
   * Open the file in webtorrent's store now (it opens lazily), so the
   * torrent serves it by that descriptor even once its name is gone.
   * @returns whether the first piece could be read
   */
  async openStore(): Promise<boolean> {
    if (!this.torrent.ready) {
      await new Promise<void>((resolve) => {
        this.torrent.once('ready', () => resolve());
        this.torrent.once('error', () => resolve());
      });
    }
    const store = (this.torrent as unknown as TorrentInternals).store;
    if (!store || this.torrent.destroyed || this.torrent.pieces.length === 0) return false;
    return new Promise<boolean>((resolve) => store.get(0, (error) => resolve(!error)));
  }

  /** webtorrent's own steps for a piece verified: mark it, tell every peer. */
  private markVerified(index: number): void {
    (this.torrent as unknown as TorrentInternals)._markVerified!(index);
    for (const wire of this.torrent.wires as unknown as Array<{ have(index: number): void; destroyed: boolean }>) if (!wire.destroyed) wire.have(index);
  }

  /** Every block received, with its source. Counts connections made after the call. */
  onBytes(listener: (count: number, source: ByteSource) => void): void {
    this.torrent.on('wire', (wire: Wire) => {
      const source: ByteSource = wire.type === 'webSeed' ? 'mirror' : 'peers';
      wire.on('download', (count: number) => listener(count, source));
    });
  }

  /**
   * Each answer of the tracker: how many seeders and leechers it knows
   * (undefined when it did not say; trackers count the asking leecher too). webtorrent does not pass this on; its tracker client does.
   */
  onTrackerAnswer(listener: (seeders: number | undefined, leechers: number | undefined) => void): void {
    const tracker = (this.torrent as unknown as { discovery?: { tracker?: { on(event: string, listener: (data: { complete?: number; incomplete?: number }) => void): void } } }).discovery?.tracker;
    const count = (value: unknown) => (typeof value === 'number' ? value : undefined);
    tracker?.on('update', (data) => listener(count(data.complete), count(data.incomplete)));
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

/** The webtorrent 2.8.5 internals adoptPieces and openStore use (harden.ts pins the version). */
interface TorrentInternals {
  destroyed: boolean;
  _hashes?: string[];
  store?: { get(index: number, cb: (error: Error | null, chunk?: Uint8Array) => void): void };
  _markVerified?(index: number): void;
  _checkDone?(): void;
}
