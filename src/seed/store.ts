/**
 * The seeding store, `<stateDir>/store/`: for each seeded file
 *
 *   store/<infoHash>/<name>     the file, hard-linked from APT's archive cache
 *   store/<infoHash>.json       its facts (entry.ts), written once, atomically
 *
 * Only root can write here (the directories are 0700), and every path the
 * seeder opens is built from a checked infohash and a plain file name, then
 * checked to be a regular file inside the store, not a symlink: the seeder
 * never serves anything outside it.
 */
import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isTemporaryName, writeFileAtomic } from '../util/atomic-write.js';
import { checkFacts, type SeedFacts } from './entry.js';

/** Held by the daemon while it runs, and by clean while it removes files with no daemon running. */
export function seedLockPath(stateDir: string): string {
  return join(stateDir, 'seed.lock');
}

export function storeDir(stateDir: string): string {
  return join(stateDir, 'store');
}

/** Where a seeded file's torrent data lives: webtorrent's `path` option. */
export function dataDir(store: string, infoHash: string): string {
  return join(store, infoHash);
}

export function dataPath(store: string, facts: Pick<SeedFacts, 'infoHash' | 'name'>): string {
  return join(store, facts.infoHash, facts.name);
}

function factsPath(store: string, infoHash: string): string {
  return join(store, `${infoHash}.json`);
}

/** Create the store (0700) and refuse one that is a symlink or not a directory. */
export async function openStore(stateDir: string): Promise<string> {
  const store = storeDir(stateDir);
  await mkdir(store, { recursive: true, mode: 0o700 });
  const info = await lstat(store);
  if (!info.isDirectory()) throw new Error(`${store} is not a directory (a symlink?); the seeder serves only files inside its own store`);
  return store;
}

/**
 * Throws unless the file is a regular file (not a symlink) directly inside
 * `store/<infoHash>/`, which itself is a real directory.
 */
export async function checkInsideStore(store: string, facts: Pick<SeedFacts, 'infoHash' | 'name'>): Promise<void> {
  const dir = await lstat(dataDir(store, facts.infoHash));
  if (!dir.isDirectory()) throw new Error(`${dataDir(store, facts.infoHash)} is not a directory`);
  const file = await lstat(dataPath(store, facts));
  if (!file.isFile()) throw new Error(`${dataPath(store, facts)} is not a regular file`);
}

/** Open flags for reading a stored file without following a symlink put in its place. */
export const READ_NOFOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW;

/**
 * Put a verified file into the store: a hard link, so no disk is doubled and
 * `apt-get clean` cannot pull it away; a copy when the store is on another
 * filesystem. The source must be a regular file of the expected size.
 * @returns 'link' or 'copy'
 */
export async function linkIntoStore(store: string, facts: SeedFacts, source: string): Promise<'link' | 'copy'> {
  const info = await lstat(source);
  if (!info.isFile()) throw new Error(`${source} is not a regular file`);
  if (info.size !== facts.size) throw new Error(`${source} is ${info.size} bytes, not ${facts.size}`);
  const dir = dataDir(store, facts.infoHash);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { mode: 0o700 });
  let how: 'link' | 'copy' = 'link';
  try {
    await link(source, dataPath(store, facts));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV' && (error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    await copyFile(source, dataPath(store, facts), constants.COPYFILE_EXCL);
    how = 'copy';
  }
  await writeFileAtomic(factsPath(store, facts.infoHash), `${JSON.stringify(facts, null, 2)}\n`);
  return how;
}

/**
 * Delete a file from the store: its facts first (so a half-done removal is
 * not taken for an entry), then its directory.
 * @returns the bytes the disk got back: 0 while another hard link holds the file
 */
export async function removeFromStore(store: string, facts: Pick<SeedFacts, 'infoHash' | 'name'>): Promise<number> {
  let freed = 0;
  try {
    const info = await lstat(dataPath(store, facts));
    if (info.isFile() && info.nlink === 1) freed = info.size;
  } catch {
    // already gone
  }
  await rm(factsPath(store, facts.infoHash), { force: true });
  await rm(dataDir(store, facts.infoHash), { recursive: true, force: true });
  return freed;
}

export interface StoreListing {
  entries: SeedFacts[];
  /** Things found that are not entries, and what was done about them. */
  problems: string[];
}

/**
 * Every entry of the store, from its facts files. With `tidy` (only the
 * holder of the seed lock), leftovers of an interrupted add or removal (a
 * directory without facts, facts that do not parse, temporary files) are
 * removed and reported; without, they are only skipped.
 */
export async function readStore(store: string, options: { tidy: boolean }): Promise<StoreListing> {
  const names = await readdir(store).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const entries: SeedFacts[] = [];
  const problems: string[] = [];
  const withFacts = new Set<string>();
  for (const name of names.filter((candidate) => candidate.endsWith('.json')).sort()) {
    const infoHash = name.slice(0, -'.json'.length);
    let facts: SeedFacts | string;
    try {
      facts = checkFacts(JSON.parse(await readFile(join(store, name), 'utf8')));
    } catch (error) {
      facts = (error as Error).message;
    }
    if (typeof facts === 'string' || facts.infoHash !== infoHash) {
      problems.push(`${join(store, name)}: ${typeof facts === 'string' ? facts : 'names another infohash'}${options.tidy ? '; removed' : ''}`);
      if (options.tidy) await rm(join(store, name), { force: true });
      continue;
    }
    withFacts.add(infoHash);
    entries.push(facts);
  }
  for (const name of names) {
    if (name.endsWith('.json') || withFacts.has(name) || !options.tidy) continue;
    if (!isTemporaryName(name)) problems.push(`${join(store, name)}: no facts file beside it (an interrupted add?); removed`);
    await rm(join(store, name), { recursive: true, force: true });
  }
  return { entries, problems };
}
