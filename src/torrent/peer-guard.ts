import type { Torrent, Wire } from 'webtorrent';

/**
 * Drops peers that send pieces failing their SHA1. webtorrent throws such a
 * piece away and asks again — possibly from the same peer, for ever. This
 * remembers which peers delivered to each piece; when a piece fails, each
 * of them gets a strike, and a peer that alone delivered a bad piece, or
 * has two strikes, is disconnected and its address blocked.
 */
export class PeerGuard {
  private readonly contributors = new Map<number, Set<Wire>>();
  private readonly strikes = new Map<Wire, number>();
  readonly banned = new Set<string>();

  constructor(torrent: Torrent, private readonly block: (address: string) => void) {
    torrent.on('wire', (wire: Wire) => {
      if (wire.type === 'webSeed') return; // the mirror is checked by SHA256 at the end
      wire.on('piece', (index: number) => {
        let set = this.contributors.get(index);
        if (!set) this.contributors.set(index, (set = new Set()));
        set.add(wire);
      });
    });
    torrent.on('verified', (index: number) => this.contributors.delete(index));
    torrent.on('warning', (warning: Error) => {
      const match = /^Piece (\d+) failed verification/.exec(warning.message);
      if (match) this.pieceFailed(Number(match[1]));
    });
  }

  private pieceFailed(index: number): void {
    const wires = this.contributors.get(index);
    this.contributors.delete(index);
    if (!wires) return;
    for (const wire of wires) {
      const strikes = (this.strikes.get(wire) ?? 0) + 1;
      this.strikes.set(wire, strikes);
      if (wires.size === 1 || strikes >= 2) {
        this.banned.add(wire.remoteAddress);
        this.block(wire.remoteAddress);
        wire.destroy();
      }
    }
  }
}
