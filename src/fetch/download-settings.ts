import type { Config } from '../config/schema.js';
import type { TorrentSettings } from './download-all.js';
import type { HttpOptions } from './http.js';
import type { Network } from './network.js';

/** The HTTP side of downloadAll's options, from the one config schema (the CLI and the APT method alike). */
export function httpSettings(config: Config, network: Network, signal: AbortSignal): Omit<HttpOptions, 'onBytes'> {
  return {
    retries: config['http.retries'],
    timeoutMs: config['http.timeout'] * 1000,
    lowSpeed: { bytesPerSecond: config['http.lowSpeedLimit'], seconds: config['http.lowSpeedTime'] },
    network,
    signal,
  };
}

/** The BitTorrent side of downloadAll's options. */
export function torrentSettings(config: Config): TorrentSettings {
  return {
    maxActive: config['torrent.maxActive'],
    maxWebConns: config['torrent.maxWebConns'],
    stallMs: config['torrent.stallSeconds'] * 1000,
    peerWaitMs: config['torrent.peerWaitSeconds'] * 1000,
    webSeedDelayMs: config['torrent.webSeedDelay'] * 1000,
    minPeerRate: config['torrent.minPeerRate'],
    client: { port: config['torrent.port'], dht: config['torrent.dht'], lsd: config['torrent.lsd'], utp: config['torrent.utp'] },
  };
}
