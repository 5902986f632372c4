import type WebTorrent from 'webtorrent';

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
}

/**
 * A webtorrent client as apt-torrent wants it: TCP only by default, no DHT,
 * no local peer discovery and no UPnP/NAT-PMP (they reach beyond the mirror's
 * swarm and this machine), and a blocklist that starts empty so peers caught
 * sending bad pieces can be shut out. webtorrent is imported here, on first
 * use: it costs ~300 ms and ~47 MiB, which installs without torrents must not pay.
 */
export async function createTorrentClient(options: TorrentClientOptions): Promise<WebTorrent> {
  const { default: WebTorrentClass } = await import('webtorrent');
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
    blocklist: [],
  });
  await new Promise<void>((resolve, reject) => {
    if (client.listening) return resolve();
    client.once('listening', () => resolve());
    client.once('error', reject);
  });
  return client;
}

/** Destroy a client and wait for its sockets to close. */
export function destroyClient(client: WebTorrent): Promise<void> {
  return new Promise((resolve) => client.destroy(() => resolve()));
}
