import { createRequire } from 'node:module';
import { debuglog } from 'node:util';
import type WebTorrent from 'webtorrent';
import { AptTorrentError } from '../errors.js';
import { installWebSeedBounds, type WebConnPrototype } from './bounded-web-seed.js';
import { installWireLimits, WIRE_METHODS, type WirePrototype } from './bounded-wire.js';
import { disconnectAndBan, installPeerBans, type ConnPoolPrototype, type PeerPrototype } from './peer-bans.js';

/** NODE_DEBUG=apt-torrent names the peers banned. */
const debug = debuglog('apt-torrent');

/**
 * Bounds on what peers and mirrors can make webtorrent do, installed on its
 * classes once, before the first client: message-length limits on every
 * peer wire (bounded-wire.ts), a web seed that reads no more than it asked
 * for (bounded-web-seed.ts), and bans that hold for incoming peers too
 * (peer-bans.ts). Each patches internals of the versions below; if their
 * shape has changed, this throws rather than run unprotected (and the tests
 * that start a client fail with it).
 */
export const CHECKED_VERSIONS = { webtorrent: '2.8.5', 'bittorrent-protocol': '4.1.21' };

/** Clients of this process, for the piece count of a wire's torrent. */
const clients = new Set<WebTorrent>();
let installed: Promise<void> | undefined;

/** Install the bounds, once per process; before the first client is made. */
export async function harden(): Promise<void> {
  installed ??= install();
  return installed;
}

/** A client made after harden(): its torrents tell a wire its bitfield limit. */
export function register(client: WebTorrent): void {
  clients.add(client);
}

function piecesOf(infoHash: string): number | undefined {
  for (const client of clients) {
    if ((client as unknown as { destroyed?: boolean }).destroyed) {
      clients.delete(client);
      continue;
    }
    const torrent = client.torrents.find((candidate) => candidate.infoHash === infoHash);
    if (torrent?.pieces) return torrent.pieces.length;
  }
  return undefined;
}

type Prototype = Partial<Record<string, unknown>> | undefined;

/** The classes patched, as found: WebConn, the Wire it extends, Peer, ConnPool. */
export interface Internals {
  wire: Prototype;
  webConn: Prototype;
  peer: Prototype;
  connPool: Prototype;
}

/** The methods the patches need that these classes lack (none, for the versions checked). */
export function missingInternals(internals: Internals): string[] {
  const lacking = (name: string, proto: Prototype, methods: readonly string[]) =>
    methods.filter((method) => typeof proto?.[method] !== 'function').map((method) => `${name}.${method}`);
  return [
    ...lacking('Wire', internals.wire, WIRE_METHODS),
    ...lacking('WebConn', internals.webConn, ['httpRequest', 'destroy']),
    ...lacking('Peer', internals.peer, ['onConnect']),
    ...lacking('ConnPool', internals.connPool, ['_onConnection']),
  ];
}

/** webtorrent's classes, as its own modules hold them. */
export async function loadInternals(): Promise<Internals> {
  const [{ default: WebConn }, { default: Peer }, { default: ConnPool }] = await Promise.all([
    import('webtorrent/lib/webconn.js'),
    import('webtorrent/lib/peer.js'),
    import('webtorrent/lib/conn-pool.js'),
  ]);
  // WebConn extends bittorrent-protocol's Wire: the very class webtorrent uses, whatever copy npm installed.
  return { wire: Object.getPrototypeOf(WebConn)?.prototype, webConn: WebConn.prototype, peer: Peer.prototype, connPool: ConnPool.prototype };
}

async function install(): Promise<void> {
  const internals = await loadInternals();
  const missing = missingInternals(internals);
  if (missing.length > 0) {
    throw new AptTorrentError('E_INTERNAL', `webtorrent's internals changed (${missing.join(', ')} not found; checked against webtorrent ${CHECKED_VERSIONS.webtorrent}, bittorrent-protocol ${CHECKED_VERSIONS['bittorrent-protocol']}): refusing to run BitTorrent without its limits on peers and mirrors`, {
      hint: 'install the webtorrent version in package-lock.json (npm ci), or use --no-torrent',
    });
  }
  const version = createRequire(import.meta.url)('webtorrent/package.json').version as string;
  installWireLimits(internals.wire as unknown as WirePrototype, {
    piecesOf,
    refuse: (refused, reason) => {
      const address = disconnectAndBan(refused, reason);
      debug('peer %s disconnected and banned: %s', address ?? '(no address)', reason);
    },
  });
  installPeerBans(internals.peer as unknown as PeerPrototype, internals.connPool as unknown as ConnPoolPrototype);
  installWebSeedBounds(internals.webConn as unknown as WebConnPrototype, `WebTorrent/${version} (https://webtorrent.io)`);
}
