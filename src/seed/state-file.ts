/**
 * The seeder's state file, `<stateDir>/seeding.json`: the counters of every
 * seeded file (uploaded bytes, time seeded, paused, idle, last served). What is seeded is
 * the store's business (store.ts); so a state file that is lost or corrupt
 * costs only counters, and is rebuilt from the store, never a crash loop.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-write.js';
import { freshCounters, type SeedCounters } from './entry.js';

export const STATE_NAME = 'seeding.json';
const VERSION = 1;

/**
 * Parse the state file's text. Throws with the reason when it is not one
 * (truncated, not JSON, another version); a bad entry is skipped, not fatal.
 */
export function parseState(text: string): Map<string, SeedCounters> {
  const raw = JSON.parse(text) as unknown;
  if (raw === null || typeof raw !== 'object' || (raw as { version?: unknown }).version !== VERSION) throw new Error(`not a version ${VERSION} state file`);
  const torrents = (raw as { torrents?: unknown }).torrents;
  if (torrents === null || typeof torrents !== 'object' || Array.isArray(torrents)) throw new Error('no torrents object');
  const counters = new Map<string, SeedCounters>();
  for (const [infoHash, value] of Object.entries(torrents as Record<string, unknown>)) {
    const parsed = parseCounters(value);
    if (/^[0-9a-f]{40}$/.test(infoHash) && parsed) counters.set(infoHash, parsed);
  }
  return counters;
}

function parseCounters(value: unknown): SeedCounters | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const raw = value as Record<string, unknown>;
  const count = (item: unknown) => (typeof item === 'number' && Number.isFinite(item) && item >= 0 ? item : 0);
  const base = (raw.base ?? {}) as Record<string, unknown>;
  return {
    ...freshCounters(),
    uploaded: count(raw.uploaded),
    seedSeconds: count(raw.seedSeconds),
    paused: raw.paused === true,
    idle: raw.idle === true,
    base: { uploaded: count(base.uploaded), seedSeconds: count(base.seedSeconds) },
    ...(isTime(raw.lastServed) ? { lastServed: raw.lastServed } : {}),
  };
}

/** An ISO 8601 time as the seeder writes it (toISOString); anything else is dropped. */
function isTime(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value) && Number.isFinite(Date.parse(value));
}

export function serializeState(counters: ReadonlyMap<string, SeedCounters>): string {
  return `${JSON.stringify({ version: VERSION, torrents: Object.fromEntries([...counters].sort(([a], [b]) => a.localeCompare(b))) }, null, 1)}\n`;
}

/**
 * Read the state. A missing file is a first start; a corrupt one is
 * reported in `problem` (and the caller starts from fresh counters).
 */
export async function readState(path: string): Promise<{ counters: Map<string, SeedCounters>; problem?: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { counters: new Map() };
    return { counters: new Map(), problem: `${path} cannot be read (${(error as Error).message})` };
  }
  try {
    return { counters: parseState(text) };
  } catch (error) {
    return { counters: new Map(), problem: `${path} is corrupt (${(error as Error).message})` };
  }
}

/**
 * Write the state so that a crash at any moment (kill -9, power loss)
 * leaves the old file or the new one.
 */
export async function writeState(path: string, counters: ReadonlyMap<string, SeedCounters>): Promise<void> {
  await writeFileAtomic(path, serializeState(counters), { mode: 0o600 });
}
