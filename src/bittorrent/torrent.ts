/**
 * Deterministic single-file torrents: the same .deb gives the same infohash
 * on every mirror, so all their users meet in one swarm.
 * Pure: file facts and piece hashes in, .torrent bytes out.
 *
 * The info dictionary holds exactly {length, name, piece length, pieces}:
 * no creation date, comment, `private` or source tag, because anything more
 * would make two mirrors publishing the same .deb disagree on the infohash.
 * Trackers (announce, announce-list) and the web seed (url-list, BEP 19)
 * live outside it, so they may differ per mirror without splitting swarms.
 */
import { createHash } from 'node:crypto';
import { type BDict, type BValue, decode, encode, rawValue } from './bencode.js';

/** What the info dictionary is made of: the file alone. */
export interface TorrentInfo {
  /** The .deb's base name (no directories). */
  name: string;
  length: number;
  pieceLength: number;
  /** Concatenated 20-byte SHA1 digests, one per piece. */
  pieces: Buffer;
}

/** Where peers meet and where the file can be fetched over HTTP; none of it changes the infohash. */
export interface TorrentLocations {
  trackers: readonly string[];
  /** Full URLs of the file itself (BEP 19 web seeds). */
  webSeeds: readonly string[];
}

/** Written outside the info dictionary, so it does not matter to the infohash. */
const CREATED_BY = 'apt-torrent';

/** The bencoded info dictionary. */
export function encodeInfo(info: TorrentInfo): Buffer {
  return encode(infoDict(info));
}

/** The one place the info dictionary's keys are spelled, so the file and the infohash agree. */
function infoDict(info: TorrentInfo) {
  return { length: info.length, name: info.name, 'piece length': info.pieceLength, pieces: info.pieces };
}

/** SHA1 of the bencoded info dictionary, lower-case hex (the v1 infohash). */
export function infoHashOf(info: TorrentInfo): string {
  return createHash('sha1').update(encodeInfo(info)).digest('hex');
}

/**
 * The whole .torrent file. Each tracker gets its own tier (BEP 12), in the
 * order given, as mktorrent and create-torrent do. No creation date: two runs
 * over the same file with the same options give the same bytes.
 */
export function buildTorrent(info: TorrentInfo, locations: TorrentLocations): Buffer {
  const [first] = locations.trackers;
  return encode({
    announce: first,
    'announce-list': locations.trackers.length > 1 ? locations.trackers.map((tracker) => [tracker]) : undefined,
    'created by': CREATED_BY,
    info: infoDict(info),
    'url-list': locations.webSeeds.length > 0 ? [...locations.webSeeds] : undefined,
  });
}

/** A .torrent read back: its info (single-file only) and infohash over the info bytes as stored. */
export interface ParsedTorrent {
  info: TorrentInfo;
  infoHash: string;
  trackers: string[];
  webSeeds: string[];
}

/**
 * Read a single-file .torrent. Throws (with the reason) for anything else:
 * multi-file torrents, path parts in the name, a `pieces` of the wrong size.
 * The infohash is taken over the stored bytes, not a re-encoding.
 */
export function parseTorrent(data: Uint8Array): ParsedTorrent {
  const root = decode(data);
  if (!isDict(root)) throw new Error('not a dictionary');
  const info = root.info;
  if (!isDict(info)) throw new Error('no info dictionary');
  if ('files' in info) throw new Error('a multi-file torrent; apt-torrent uses single-file torrents only');
  const name = asText(info.name, 'name');
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) throw new Error(`name ${JSON.stringify(name)} is not a plain file name`);
  // webtorrent reads the same bytes with parse-torrent, which prefers `name.utf-8`, appends a single
  // file's `path` to its name, and gives `__proto__` its JavaScript meaning (inheriting any of these):
  // none of them may make it write another file than the one checked here.
  for (const key of ['path', 'path.utf-8']) {
    if (key in info) throw new Error(`info.${key} is not allowed in a single-file torrent`);
  }
  if (holdsProtoKey(info)) throw new Error('info holds a key named __proto__');
  const utf8Name = info['name.utf-8'];
  if (utf8Name !== undefined && !(Buffer.isBuffer(utf8Name) && utf8Name.equals(info.name as Buffer))) {
    throw new Error('info.name.utf-8 names another file than info.name');
  }
  const length = asInteger(info.length, 'length');
  const pieceLength = asInteger(info['piece length'], 'piece length');
  const pieces = info.pieces;
  if (!Buffer.isBuffer(pieces) || pieces.length % 20 !== 0) throw new Error('pieces is not a list of 20-byte SHA1 digests');
  if (pieceLength <= 0 || pieces.length / 20 !== Math.ceil(length / pieceLength)) {
    throw new Error(`${pieces.length / 20} pieces do not fit length ${length} with piece length ${pieceLength}`);
  }
  const raw = rawValue(data, 'info')!;
  const trackers = new Set<string>();
  if (Buffer.isBuffer(root.announce)) trackers.add(root.announce.toString('utf8'));
  for (const tier of listOf(root['announce-list'])) for (const url of listOf(tier)) if (Buffer.isBuffer(url)) trackers.add(url.toString('utf8'));
  const seeds = Buffer.isBuffer(root['url-list']) ? [root['url-list']] : listOf(root['url-list']);
  return {
    info: { name, length, pieceLength, pieces },
    infoHash: createHash('sha1').update(raw).digest('hex'),
    trackers: [...trackers],
    webSeeds: seeds.filter(Buffer.isBuffer).map((url) => url.toString('utf8')),
  };
}

/** Whether a `__proto__` key sits anywhere inside (decode bounds the depth). */
function holdsProtoKey(value: BValue): boolean {
  if (Array.isArray(value)) return value.some(holdsProtoKey);
  if (!isDict(value)) return false;
  return '__proto__' in value || Object.values(value).some(holdsProtoKey);
}

function isDict(value: BValue | undefined): value is BDict {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !Array.isArray(value);
}

function listOf(value: BValue | undefined): BValue[] {
  return Array.isArray(value) ? value : [];
}

function asText(value: BValue | undefined, field: string): string {
  if (!Buffer.isBuffer(value)) throw new Error(`info.${field} is missing or not a string`);
  return value.toString('utf8');
}

function asInteger(value: BValue | undefined, field: string): number {
  if (typeof value !== 'number' || value < 0) throw new Error(`info.${field} is missing or not a non-negative integer`);
  return value;
}
