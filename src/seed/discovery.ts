/**
 * How peers find and reach the seeding daemon's torrents while they sleep:
 * the one listener (peer-listener.ts) that wakes a torrent when a peer asks
 * for it, the daemon's own tracker announces (announcer.ts), and, with
 * torrent.lsd, announces to the LAN (lsd.ts). Together they are the
 * Seeder's `availability`.
 */
import type { Socket } from 'node:net';
import type { TorrentClient } from '../torrent/client.js';
import { Announcer } from './announcer.js';
import { startLsd, type Lsd } from './lsd.js';
import { listenPeers, type PeerListener } from './peer-listener.js';
import type { Availability } from './seeded-file.js';
import type { Seeder } from './seeder.js';

/** Connections still sending their handshake; a few dozen is plenty for a seed, and bounds what a flood can hold open. */
const MAX_PENDING = 32;
/** Of those, from one address: a single host saying nothing must not shut the door on everyone else. */
const MAX_PENDING_PER_ADDRESS = 4;
/** Peers whose torrent is being woken: each waits its turn (wakes run one at a time), so their number is bounded too. */
const MAX_WAKING = 64;
const HANDSHAKE_MS = 10_000;
const ANNOUNCES_IN_FLIGHT = 4;
/** Peers from one tracker answer that a woken torrent connects out to. */
const PEERS_PER_ANSWER = 20;

export interface DiscoveryOptions {
  port: number;
  lsd: boolean;
  /** Peers per torrent (seed.maxPeers): webtorrent bounds only the connections it makes, so incoming ones are bounded here. */
  maxPeers: number;
  client: TorrentClient;
  log(message: string): void;
}

export class Discovery implements Availability {
  private seeder?: Seeder;
  private readonly available = new Set<string>();
  private announcer?: Announcer;
  private lsd?: Lsd;

  private constructor(
    private readonly options: DiscoveryOptions,
    private readonly listener: PeerListener,
  ) {}

  /** Listen on the port now (so a port in use fails the start); announcing starts with `start`. */
  static async listen(options: DiscoveryOptions): Promise<Discovery> {
    let discovery: Discovery | undefined;
    let waking = 0;
    // Connections handed to webtorrent per torrent, still open. Counted here, not by the torrent's peers: a
    // peer counts there only once webtorrent has read its handshake, so a burst of peers woken together
    // all found room. Keys: torrents with an open handed connection, at most maxActive of them awake.
    const handed = new Map<string, number>();
    const handOver = (infoHash: string, socket: Socket, head: Buffer) => {
      handed.set(infoHash, (handed.get(infoHash) ?? 0) + 1);
      socket.once('close', () => {
        const left = (handed.get(infoHash) ?? 1) - 1;
        if (left > 0) handed.set(infoHash, left);
        else handed.delete(infoHash);
      });
      options.client.accept(socket, head);
    };
    const listener = await listenPeers({
      port: options.port,
      maxPending: MAX_PENDING,
      maxPendingPerAddress: MAX_PENDING_PER_ADDRESS,
      handshakeTimeoutMs: HANDSHAKE_MS,
      isBlocked: (address) => options.client.isBlocked(address),
      onPeer: (infoHash, socket, head) => {
        const seeder = discovery?.seeder;
        if (!seeder || waking >= MAX_WAKING) return socket.destroy();
        waking += 1;
        void seeder.wake(infoHash).catch(() => undefined).then((torrent) => {
          waking -= 1;
          if (torrent && !socket.destroyed && torrent.peers() < options.maxPeers && (handed.get(infoHash) ?? 0) < options.maxPeers) handOver(infoHash, socket, head);
          else socket.destroy();
        });
      },
    });
    discovery = new Discovery(options, listener);
    return discovery;
  }

  get port(): number {
    return this.listener.port;
  }

  async start(seeder: Seeder, uploaded: (infoHash: string) => number): Promise<void> {
    this.seeder = seeder;
    this.announcer = new Announcer({
      port: this.port,
      peerId: this.options.client.peerId,
      maxInFlight: ANNOUNCES_IN_FLIGHT,
      uploaded,
      onAnswer: (infoHash, answer) => {
        // Peers still downloading: call them, for those that cannot be called back.
        if ((answer.incomplete ?? 0) > 0 && answer.peers.length > 0) {
          void seeder.wake(infoHash).catch(() => undefined).then((torrent) => {
            for (const peer of answer.peers.slice(0, PEERS_PER_ANSWER)) torrent?.addPeer(peer);
          });
        }
      },
      log: this.options.log,
    });
    this.announcer.start();
    if (this.options.lsd) {
      this.lsd = await startLsd({ port: this.port, available: () => [...this.available], holds: (infoHash) => this.available.has(infoHash), log: this.options.log }).catch((error: Error) => {
        this.options.log(`LSD: cannot listen on the LAN (${error.message}); announcing to trackers only`);
        return undefined;
      });
    }
  }

  up(facts: { infoHash: string }, trackers: readonly string[], soon: boolean): void {
    this.available.add(facts.infoHash);
    this.announcer?.want(facts.infoHash, trackers, { soon });
    this.lsd?.announce([facts.infoHash]);
  }

  down(infoHash: string): void {
    this.available.delete(infoHash);
    this.announcer?.drop(infoHash);
  }

  heard(infoHash: string): boolean {
    return this.announcer?.heard(infoHash) ?? false;
  }

  /** Torrents available, and how many of them a tracker has heard of. */
  coverage(): { available: number; heard: number } {
    return { available: this.available.size, heard: this.announcer?.coverage().heard ?? 0 };
  }

  async close(): Promise<void> {
    this.announcer?.close();
    await this.lsd?.close();
    await this.listener.close();
  }
}
