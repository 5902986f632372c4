import type { Socket } from 'node:net';

/**
 * Shutting a peer out, and disconnecting one at once. Two small wraps of
 * webtorrent 2.8.5 internals, installed by harden.ts:
 * - ConnPool._onConnection (every incoming TCP connection): webtorrent
 *   checks its blocklist only before connecting to a peer it was told of, so
 *   a peer banned for bad pieces or a broken wire limit could simply connect
 *   again. A connection from a blocked address is now closed before any byte
 *   is read.
 * - Peer.onConnect (where each Peer makes its Wire): the wire learns its Peer
 *   and client, so that a wire breaking a limit — parsed before webtorrent
 *   has even routed an incoming peer to its torrent — can close its socket
 *   and ban its address on the right client.
 */

interface Blocklist {
  add(address: string): void;
  contains(address: string): boolean;
}

interface ClientLike {
  blocked?: Blocklist;
  destroyed?: boolean;
}

interface PeerLike {
  wire: object | null;
  conn: { remoteAddress?: string } | null;
  swarm: { client?: ClientLike } | null;
  destroy(error?: Error): void;
}

export interface PeerPrototype {
  onConnect(this: PeerLike): void;
}

export interface ConnPoolPrototype {
  _onConnection(this: { _client: ClientLike }, conn: Socket, type: string): void;
}

const PEER = Symbol('apt-torrent: the Peer of a wire');
const CLIENT = Symbol('apt-torrent: the client of a wire');

type TaggedWire = { [PEER]?: PeerLike; [CLIENT]?: ClientLike; destroy?: () => void };

/** The client whose pool is accepting a connection right now (Peer and Wire are made synchronously inside). */
let accepting: ClientLike | undefined;

export function installPeerBans(peer: PeerPrototype, pool: ConnPoolPrototype): void {
  const onConnection = pool._onConnection;
  pool._onConnection = function (conn, type) {
    const address = conn.remoteAddress;
    if (address && this._client.blocked?.contains(address)) {
      conn.on('error', () => {});
      conn.destroy();
      return;
    }
    accepting = this._client;
    try {
      return onConnection.call(this, conn, type);
    } finally {
      accepting = undefined;
    }
  };

  const onConnect = peer.onConnect;
  peer.onConnect = function () {
    onConnect.call(this);
    const wire = this.wire as TaggedWire | null;
    if (!wire) return;
    wire[PEER] = this;
    wire[CLIENT] = this.swarm?.client ?? accepting;
  };
}

/**
 * Close the connection behind `wire` now (its socket, its wire, its place
 * in the swarm) and block the peer's address on its client. Returns the
 * address, when there is one.
 */
export function disconnectAndBan(wire: object, reason: string): string | undefined {
  const tagged = wire as TaggedWire;
  const peer = tagged[PEER];
  const address = peer?.conn?.remoteAddress;
  const client = peer?.swarm?.client ?? tagged[CLIENT];
  if (address && client && !client.destroyed) client.blocked?.add(address);
  if (peer) peer.destroy(new Error(reason));
  else tagged.destroy?.();
  return address;
}
