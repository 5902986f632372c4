import { decode, type BDict, type BValue } from './bencode.js';

/**
 * HTTP tracker announces (BEP 3, compact peers of BEP 23), pure parts: the
 * request URL and the answer read back. The seeding daemon announces its
 * dormant torrents with these itself, so a torrent need not be loaded in a
 * BitTorrent client to be found.
 */

export interface AnnounceRequest {
  infoHash: string;
  /** 20 bytes, hex. */
  peerId: string;
  port: number;
  uploaded: number;
  downloaded: number;
  left: number;
  event?: 'started' | 'stopped' | 'completed';
  /** Peers wanted back; 0 for none. */
  numwant: number;
}

const binary = (hex: string) => [...Buffer.from(hex, 'hex')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');

/** The announce URL; undefined for a tracker that is not HTTP(S). */
export function announceUrl(tracker: string, request: AnnounceRequest): string | undefined {
  if (!/^https?:\/\//.test(tracker)) return undefined;
  const query = [
    `info_hash=${binary(request.infoHash)}`,
    `peer_id=${binary(request.peerId)}`,
    `port=${request.port}`,
    `uploaded=${Math.floor(request.uploaded)}`,
    `downloaded=${Math.floor(request.downloaded)}`,
    `left=${Math.floor(request.left)}`,
    'compact=1',
    `numwant=${request.numwant}`,
    ...(request.event ? [`event=${request.event}`] : []),
  ].join('&');
  return `${tracker}${tracker.includes('?') ? '&' : '?'}${query}`;
}

export interface AnnounceAnswer {
  /** Seconds until the next announce, as the tracker asks (min interval preferred when larger). */
  interval: number;
  complete?: number;
  incomplete?: number;
  /** `ip:port` of IPv4 peers ([ip]:port for IPv6). */
  peers: string[];
}

/** Read an announce answer. Throws on a failure reason or anything that is not one. */
export function parseAnnounce(body: Uint8Array): AnnounceAnswer {
  const root = decode(body);
  if (!isDict(root)) throw new Error('not a dictionary');
  if (Buffer.isBuffer(root['failure reason'])) {
    const reason = root['failure reason'].toString('utf8');
    const shown = reason.length > 120 ? `${reason.slice(0, 120)}...` : reason;
    throw new Error(`tracker: ${shown.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')}`);
  }
  const interval = Math.max(number(root.interval) ?? 0, number(root['min interval']) ?? 0);
  if (interval <= 0) throw new Error('no interval');
  return { interval, complete: number(root.complete), incomplete: number(root.incomplete), peers: [...compactPeers(root.peers, 6), ...compactPeers(root.peers6, 18)] };
}

function compactPeers(value: BValue | undefined, width: 6 | 18): string[] {
  const peers: string[] = [];
  if (Buffer.isBuffer(value)) {
    for (let at = 0; at + width <= value.length && peers.length < 200; at += width) {
      const port = value.readUInt16BE(at + width - 2);
      if (port === 0) continue;
      if (width === 6) peers.push(`${[...value.subarray(at, at + 4)].join('.')}:${port}`);
      else peers.push(`[${Array.from({ length: 8 }, (_, group) => value.readUInt16BE(at + group * 2).toString(16)).join(':')}]:${port}`);
    }
  } else if (Array.isArray(value)) {
    // The non-compact form some trackers still send.
    for (const entry of value.slice(0, 200)) {
      if (!isDict(entry) || !Buffer.isBuffer(entry.ip)) continue;
      const port = number(entry.port);
      const ip = entry.ip.toString('latin1');
      if (port && port < 65536 && /^[0-9a-f.:]+$/i.test(ip)) peers.push(ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
    }
  }
  return peers;
}

function number(value: BValue | undefined): number | undefined {
  return typeof value === 'number' && value >= 0 ? value : undefined;
}

function isDict(value: BValue | undefined): value is BDict {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !Array.isArray(value);
}
