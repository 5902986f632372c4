/**
 * webtorrent 2.8 modules that src/torrent/harden.ts patches. They are
 * internals, with no API promise: only the shape harden.ts checks at run
 * time is declared, loosely.
 */
declare module 'webtorrent/lib/webconn.js' {
  const WebConn: { prototype: Record<string, unknown> };
  export default WebConn;
}

declare module 'webtorrent/lib/peer.js' {
  const Peer: { prototype: Record<string, unknown> };
  export default Peer;
}

declare module 'webtorrent/lib/conn-pool.js' {
  const ConnPool: { prototype: Record<string, unknown> };
  export default ConnPool;
}
