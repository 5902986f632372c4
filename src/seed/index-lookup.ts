/**
 * Which seeded files are still in APT's Packages indexes. Read with the same
 * reader as install (apt.ts: `apt-get indextargets` and `apt-helper
 * cat-file`; packages.ts: the stanza parser), from APT's lists — never
 * dpkg's status file, where installed packages stay visible.
 */
import type { Apt } from '../apt/apt.js';
import { findBySha256, type PackageEntry } from '../apt/packages.js';

/** The key a seeded file is matched by: package, version and SHA256 together. */
export function indexKey(entry: Pick<PackageEntry, 'package' | 'version' | 'sha256'>): string {
  return `${entry.package}\0${entry.version}\0${entry.sha256}`;
}


/**
 * The keys of the wanted SHA256s present in APT's Packages indexes now, and
 * how many indexes could be read: 0 means "cannot tell", not "all gone".
 * Indexes are read one at a time, so memory holds one index at most.
 */
export async function indexedKeys(apt: Apt, wanted: ReadonlySet<string>): Promise<{ keys: Set<string>; indexesRead: number }> {
  const keys = new Set<string>();
  let indexesRead = 0;
  for (const target of await apt.packagesIndexes()) {
    const text = await apt.catFile(target.file);
    if (text === undefined) continue;
    indexesRead += 1;
    for (const entry of findBySha256(text.replace(/\r\n/g, '\n'), wanted)) keys.add(indexKey(entry));
  }
  return { keys, indexesRead };
}
