/**
 * The control socket's protocol: one JSON object per line each way, a
 * request then its response. Pure: strings in, values out. The socket
 * itself is in control-server.ts and control-client.ts.
 *
 *   → {"cmd":"list"}
 *   ← {"ok":true,"torrents":[{"package":"bigdata","state":"seeding",...}]}
 *   → {"cmd":"pause","targets":["bigdata"]}
 *   ← {"ok":false,"error":{"code":"E_NOT_SEEDED","message":"..."}}
 */
import type { ErrorCode } from '../errors.js';

/** What `seeding list` shows of one torrent; `list --json` prints these. */
export interface TorrentView {
  package: string;
  version: string;
  architecture: string;
  infoHash: string;
  /** The file's name in the torrent (the .deb's base name). */
  name: string;
  size: number;
  /** Bytes uploaded over the torrent's whole life here, across restarts. */
  uploaded: number;
  /** uploaded / size. */
  ratio: number;
  peers: number;
  state: SeedState;
  /** Seconds seeded in total. */
  seedSeconds: number;
  addedAt: string;
  /** When a peer last got bytes of it (ISO 8601); absent: never. */
  lastServed?: string;
  /** State `paused` because uploads are paused for the whole machine (upload-gate.ts), not by `seeding pause`. */
  pausedFor?: PauseReason[];
  /** Peers can find it: a tracker has answered its announce (or it has no tracker to announce to). */
  announced?: boolean;
}

/** Why uploads are paused for the whole machine: a metered default route, or running on battery. */
export type PauseReason = 'metered' | 'battery';

/** `seeding`: verified, announced and served to peers that ask (loaded in the BitTorrent client only while one does). */
export type SeedState = 'checking' | 'seeding' | 'paused' | 'idle';

/** Commands that change torrents, named by package (`pkg`, `pkg=version`) or infohash. */
export type ChangeCommand = 'pause' | 'resume' | 'stop';

export type Request =
  | { cmd: 'list' }
  | { cmd: ChangeCommand; targets: string[]; all: boolean }
  /** install's hand-over: take `<stateDir>/pending-seeds.json` now. The files are named there, not here. */
  | { cmd: 'add' }
  /** clean: stop and delete these from the store. */
  | { cmd: 'remove'; infoHashes: string[] };

export interface RemovedView {
  package: string;
  version: string;
  infoHash: string;
  size: number;
  /** Bytes the disk got back: 0 when another hard link (APT's archive cache) still holds the file. */
  freed: number;
}

export type Response =
  | { ok: true; torrents?: TorrentView[]; removed?: RemovedView[]; accepted?: number; uploadsPaused?: PauseReason[] }
  | { ok: false; error: { code: ErrorCode; message: string; hint?: string } };

/** A line longer than this is refused: a peer on the socket must not make the daemon buffer without bound. */
export const MAX_LINE = 64 * 1024;

export class ProtocolError extends Error {}

const INFOHASH = /^[0-9a-f]{40}$/;

/**
 * Parse one request line. Throws ProtocolError saying what is wrong.
 * @example parseRequest('{"cmd":"pause","targets":["bigdata"]}') // { cmd: 'pause', targets: ['bigdata'], all: false }
 */
export function parseRequest(line: string): Request {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new ProtocolError('a request is one JSON object per line');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ProtocolError('a request is a JSON object');
  const body = raw as Record<string, unknown>;
  switch (body.cmd) {
    case 'list':
    case 'add':
      return { cmd: body.cmd };
    case 'pause':
    case 'resume':
    case 'stop': {
      const targets = body.targets ?? [];
      if (!isStringList(targets)) throw new ProtocolError('targets must be a list of strings');
      const all = body.all === true;
      if (!all && targets.length === 0) throw new ProtocolError(`${body.cmd} needs targets or all`);
      return { cmd: body.cmd, targets, all };
    }
    case 'remove': {
      if (!isStringList(body.infoHashes) || !body.infoHashes.every((hash) => INFOHASH.test(hash))) {
        throw new ProtocolError('infoHashes must be a list of lower-case hex infohashes');
      }
      return { cmd: 'remove', infoHashes: body.infoHashes };
    }
    default:
      throw new ProtocolError(`unknown command ${JSON.stringify(body.cmd)}`);
  }
}

/** Parse a response line (client side). Throws ProtocolError for anything that is not one. */
export function parseResponse(line: string): Response {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new ProtocolError('the daemon answered something that is not JSON');
  }
  if (raw === null || typeof raw !== 'object' || typeof (raw as { ok?: unknown }).ok !== 'boolean') {
    throw new ProtocolError('the daemon\'s answer has no "ok"');
  }
  const response = raw as Response;
  if (!response.ok && (typeof response.error?.code !== 'string' || typeof response.error.message !== 'string')) {
    throw new ProtocolError('the daemon\'s error answer has no code or message');
  }
  return response;
}

export function serialize(message: Request | Response): string {
  return `${JSON.stringify(message)}\n`;
}

/**
 * Cuts a byte stream into lines. Throws ProtocolError once a line grows past
 * `max` characters, so memory per connection stays bounded.
 */
export class LineSplitter {
  private buffer = '';

  constructor(private readonly max = MAX_LINE) {}

  push(chunk: string): string[] {
    this.buffer += chunk;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop()!;
    if (this.buffer.length > this.max || lines.some((line) => line.length > this.max)) {
      throw new ProtocolError(`a line is longer than ${this.max} characters`);
    }
    return lines.filter((line) => line.trim() !== '');
  }
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
