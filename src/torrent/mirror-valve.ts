import type { Torrent, Wire } from 'webtorrent';

/**
 * The mirror as a web seed that is asked only for the pieces granted to it.
 *
 * webtorrent's web seed claims every piece, and webtorrent then takes most
 * of a file from it whenever it is faster than the peers: the mirror sends
 * copies the peers could have sent. Here the web seed's wire (the local end
 * of webtorrent's web seed connection) gets a piece field of our own: it
 * holds only the pieces granted, so webtorrent asks the mirror for exactly
 * those (one HTTP Range request each, through the bounded web seed) and for
 * nothing else. Everything else about the web seed stays webtorrent's:
 * verification of each piece, writing it, telling the peers we have it.
 *
 * Internals used (webtorrent 2.8.5, checked by harden.ts's version pin):
 * `torrent._peers` (the web seed's Peer by URL, whose `wire` is the local
 * end), `torrent._updateWireInterest` and `torrent._update`, and
 * `torrent._reservations` for pieces a peer is sending.
 */
export class MirrorValve {
  private readonly field: PieceField;
  private readonly grantedAt = new Map<number, number>();

  private constructor(
    private readonly torrent: TorrentInternals,
    private readonly wire: Wire,
    pieces: number,
  ) {
    this.field = new PieceField(pieces);
    // The web seed's own bitfield message (every piece) and later ones land here and are ignored.
    Object.defineProperty(wire, 'peerPieces', { get: () => this.field, set: () => {}, configurable: true });
  }

  /** Add the mirror as a web seed with nothing granted; undefined when webtorrent's internals are not as expected. */
  static open(torrent: Torrent, url: string): MirrorValve | undefined {
    const internals = torrent as unknown as TorrentInternals;
    if (!(internals._peers instanceof Map) || typeof internals._update !== 'function' || typeof internals._updateWireInterest !== 'function') return undefined;
    torrent.addWebSeed(url);
    const wire = internals._peers.get(url)?.wire;
    if (!wire || wire.type !== 'webSeed') return undefined;
    return new MirrorValve(internals, wire, torrent.pieces.length);
  }

  /** Let the mirror send these pieces. */
  grant(indexes: readonly number[], nowMs: number): void {
    if (indexes.length === 0 || this.wire.destroyed || this.torrent.destroyed) return;
    for (const index of indexes) {
      this.field.set(index, true);
      this.grantedAt.set(index, nowMs);
    }
    // Before the web seed's handshake no message may go out (the wire would be ended as not speaking
    // BitTorrent); webtorrent looks at the field itself when the web seed's bitfield arrives.
    if (!(this.wire as unknown as { peerId?: string | null }).peerId) return;
    this.torrent._updateWireInterest(this.wire);
    this.torrent._update();
  }

  /** Pieces granted and not verified yet: the mirror's requests in flight or about to be. */
  outstanding(): number[] {
    const open: number[] = [];
    for (const index of this.grantedAt.keys()) {
      if (this.torrent.bitfield.get(index)) this.grantedAt.delete(index);
      else open.push(index);
    }
    return open;
  }

  granted(index: number): boolean {
    return this.grantedAt.has(index);
  }

  /** The mirror is gone: dropped after wrong answers, or the torrent is over. */
  get closed(): boolean {
    return this.wire.destroyed || this.torrent.destroyed;
  }
}

/** The piece field the web seed's wire is given: a plain bit array with the BitField methods webtorrent and bittorrent-protocol call. */
class PieceField {
  private readonly bits: Uint8Array;

  constructor(readonly length: number) {
    this.bits = new Uint8Array(length);
  }

  get(index: number): boolean {
    return index >= 0 && index < this.length && this.bits[index] === 1;
  }

  set(index: number, value = true): void {
    if (index >= 0 && index < this.length) this.bits[index] = value ? 1 : 0;
  }

  /** Never a seeder's field: webtorrent compares this length with its own bitfield's bytes and finds them unequal. */
  get buffer(): Uint8Array {
    return this.bits;
  }

  setAll(value = true): void {
    this.bits.fill(value ? 1 : 0);
  }
}

interface TorrentInternals {
  destroyed: boolean;
  bitfield: { get(index: number): boolean };
  _peers: Map<string, { wire?: Wire }>;
  _update(): void;
  _updateWireInterest(wire: Wire): void;
}
