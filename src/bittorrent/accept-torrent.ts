import { encode, rawValue } from './bencode.js';
import { parseTorrent, type ParsedTorrent } from './torrent.js';

/** What a torrent must agree with: the Packages index (size) and the manifest (infohash). */
export interface TorrentExpectation {
  size: number;
  infoHash: string;
}

/**
 * Accept a .torrent only if it is a single file whose length is the
 * Packages Size, whose name is a plain file name, and whose infohash is the
 * manifest's. Throws with the reason otherwise. Pure.
 */
export function acceptTorrent(data: Uint8Array, expected: TorrentExpectation): ParsedTorrent {
  const parsed = parseTorrent(data); // refuses multi-file torrents and names with path parts
  if (parsed.info.length !== expected.size) {
    throw new Error(`its file is ${parsed.info.length} bytes but the Packages index says ${expected.size}`);
  }
  if (parsed.infoHash !== expected.infoHash.toLowerCase()) {
    throw new Error(`its infohash ${parsed.infoHash} is not the manifest's ${expected.infoHash}`);
  }
  return parsed;
}

/**
 * The same torrent with only the given trackers and no web seeds: the web
 * seed is the mirror APT chose (added separately), not the publisher's.
 * The info dictionary is kept byte for byte, so the infohash cannot change.
 */
export function withTrackersOnly(data: Uint8Array, trackers: readonly string[]): Buffer {
  const info = rawValue(data, 'info');
  if (!info) throw new Error('no info dictionary');
  // Keys in a bencoded dictionary are sorted: announce, announce-list, info.
  const head = trackers.length > 0
    ? encode({ announce: trackers[0]!, 'announce-list': trackers.map((url) => [url]) }).subarray(0, -1)
    : Buffer.from('d');
  return Buffer.concat([head, Buffer.from('4:info'), info, Buffer.from('e')]);
}
