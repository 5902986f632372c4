/**
 * What the seeder knows of one seeded file. The facts never change once the
 * file is in the store (they are written beside it, `store/<infoHash>.json`);
 * the counters change all the time and live in the state file.
 */

/** The immutable facts of a seeded file, enough to rebuild its torrent from the file alone. */
export interface SeedFacts {
  infoHash: string;
  package: string;
  version: string;
  architecture: string;
  /** From APT's Packages index, checked when install fetched the file and again by the seeder. */
  sha256: string;
  size: number;
  /** The file's name in the torrent: the .deb's base name. */
  name: string;
  pieceLength: number;
  trackers: string[];
  /** The repository and suite whose index vouched for it; for `clean --manifest-gone`. */
  repoUri?: string;
  release?: string;
  addedAt: string;
}

/** What changes while seeding, and survives restarts. */
export interface SeedCounters {
  uploaded: number;
  seedSeconds: number;
  paused: boolean;
  /** The ratio or time target was met. */
  idle: boolean;
  /** Targets count from here: `resume` of an idle torrent gives it a fresh target. */
  base: { uploaded: number; seedSeconds: number };
  /** When a peer last got bytes of it (ISO 8601); absent: never. */
  lastServed?: string;
}

export function freshCounters(): SeedCounters {
  return { uploaded: 0, seedSeconds: 0, paused: false, idle: false, base: { uploaded: 0, seedSeconds: 0 } };
}

const INFOHASH = /^[0-9a-f]{40}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** A plain file name: no directories, not `.` or `..`, no NUL (the rule parseTorrent applies). */
export function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name) && name.length <= 255;
}

/**
 * Check facts read from disk or handed over; returns the facts or a reason.
 * Everything that later becomes a path (infoHash, name) is checked here.
 */
export function checkFacts(raw: unknown): SeedFacts | string {
  if (raw === null || typeof raw !== 'object') return 'not an object';
  const facts = raw as Record<string, unknown>;
  const text = (key: string) => (typeof facts[key] === 'string' ? (facts[key] as string) : undefined);
  if (!INFOHASH.test(text('infoHash') ?? '')) return 'infoHash is not 40 lower-case hex digits';
  if (!SHA256.test(text('sha256') ?? '')) return 'sha256 is not 64 lower-case hex digits';
  if (!text('package')) return 'no package';
  if (!isPlainName(text('name') ?? '')) return `name ${JSON.stringify(facts.name)} is not a plain file name`;
  const size = facts.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size <= 0) return 'size is not a positive whole number';
  const pieceLength = facts.pieceLength;
  if (typeof pieceLength !== 'number' || !Number.isSafeInteger(pieceLength) || pieceLength < 16 * 1024 || pieceLength > 64 * 1024 * 1024) {
    return 'pieceLength is not between 16 KiB and 64 MiB';
  }
  const trackers = Array.isArray(facts.trackers) ? facts.trackers.filter((url): url is string => typeof url === 'string' && /^(https?|udp|wss?):\/\//.test(url)) : [];
  return {
    infoHash: text('infoHash')!,
    package: text('package')!,
    version: text('version') ?? '',
    architecture: text('architecture') ?? '',
    sha256: text('sha256')!,
    size,
    name: text('name')!,
    pieceLength,
    trackers,
    ...(text('repoUri') ? { repoUri: text('repoUri') } : {}),
    ...(text('release') ? { release: text('release') } : {}),
    addedAt: text('addedAt') ?? new Date(0).toISOString(),
  };
}

/** `bigdata 1.0` as messages name a seeded file. */
export function label(facts: Pick<SeedFacts, 'package' | 'version'>): string {
  return `${facts.package} ${facts.version}`;
}
