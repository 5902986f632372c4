import { decode, type BDict, type BValue } from './bencode.js';

/**
 * Tracker scrapes (BEP 48), pure parts: the scrape URL of an announce URL,
 * and the answer read back. Used to learn, before loading a BitTorrent
 * client at all, whether anyone in the swarm could have a file.
 */

/** `http://t/announce?x` → `http://t/scrape?x`; undefined when the tracker does not follow the convention (or is not HTTP). */
export function scrapeUrl(announce: string): string | undefined {
  let url: URL;
  try {
    url = new URL(announce);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const slash = url.pathname.lastIndexOf('/');
  const last = url.pathname.slice(slash + 1);
  if (!last.startsWith('announce')) return undefined;
  url.pathname = `${url.pathname.slice(0, slash + 1)}scrape${last.slice('announce'.length)}`;
  return url.toString();
}

/** The scrape URL asking for several infohashes at once (hex in, raw bytes percent-encoded out). */
export function scrapeQuery(base: string, infoHashes: readonly string[]): string {
  const params = infoHashes.map((hash) => `info_hash=${[...Buffer.from(hash, 'hex')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')}`);
  return `${base}${base.includes('?') ? '&' : '?'}${params.join('&')}`;
}

export interface SwarmCount {
  complete: number;
  incomplete: number;
}

/** Read a scrape answer: swarm sizes by hex infohash. Throws on anything that is not one. */
export function parseScrape(body: Uint8Array): Map<string, SwarmCount> {
  const root = decode(body);
  if (!isDict(root)) throw new Error('not a dictionary');
  if (Buffer.isBuffer(root['failure reason'])) {
    // The tracker's own words, but not at any length, nor with control characters for the terminal.
    const reason = root['failure reason'].toString('utf8');
    const shown = reason.length > 120 ? `${reason.slice(0, 120)}...` : reason;
    throw new Error(`tracker: ${shown.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)}`);
  }
  const files = root.files;
  if (!isDict(files)) throw new Error('no files dictionary');
  const counts = new Map<string, SwarmCount>();
  for (const [key, value] of Object.entries(files)) {
    if (!isDict(value)) continue;
    let hash = Buffer.from(key, 'latin1');
    // bittorrent-tracker 11 writes the 20 raw bytes as UTF-8 of their latin1 characters; undo that.
    if (hash.length !== 20) hash = Buffer.from(hash.toString('utf8'), 'latin1');
    if (hash.length !== 20) continue;
    counts.set(hash.toString('hex'), { complete: count(value.complete), incomplete: count(value.incomplete) });
  }
  return counts;
}

function count(value: BValue | undefined): number {
  return typeof value === 'number' && value >= 0 ? value : 0;
}

function isDict(value: BValue | undefined): value is BDict {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !Array.isArray(value);
}
