/**
 * Which seeded files are still in APT's Packages indexes. Read with the same
 * reader as install (apt.ts: `apt-get indextargets` and `apt-helper
 * cat-file`; packages.ts: the stanza parser), from APT's lists — never
 * dpkg's status file, where installed packages stay visible.
 */
import type { Apt } from '../apt/apt.js';
import { parseStanza, toEntry, type PackageEntry } from '../apt/packages.js';

/** The key a seeded file is matched by: package, version and SHA256 together. */
export function indexKey(entry: Pick<PackageEntry, 'package' | 'version' | 'sha256'>): string {
  return `${entry.package}\0${entry.version}\0${entry.sha256}`;
}

/**
 * The entries whose SHA256 is in `wanted`, found without parsing the rest
 * of the index (as findByFilename does for paths). Pure.
 * @example findBySha256(text, new Set(['9f86d0...'])).map((entry) => entry.package)
 */
export function findBySha256(text: string, wanted: ReadonlySet<string>): PackageEntry[] {
  const found: PackageEntry[] = [];
  if (wanted.size === 0) return found;
  // As findByFilename: a leading newline makes the first field look like the others; no space needed after the colon.
  if (text.startsWith('SHA256:')) text = `\n${text}`;
  const key = '\nSHA256:';
  let at = text.indexOf(key);
  while (at !== -1) {
    const valueStart = at + key.length;
    let valueEnd = text.indexOf('\n', valueStart);
    if (valueEnd === -1) valueEnd = text.length;
    if (wanted.has(text.slice(valueStart, valueEnd).trim().toLowerCase())) {
      const before = text.lastIndexOf('\n\n', at);
      const start = before === -1 ? 0 : before + 2;
      let end = text.indexOf('\n\n', valueEnd);
      if (end === -1) end = text.length;
      const entry = toEntry(parseStanza(text.slice(start, end)));
      // As APT reads a stanza, its last SHA256 counts: take it only if that one is wanted, once, then go on after it.
      if (entry && wanted.has(entry.sha256)) found.push(entry);
      at = text.indexOf(key, end);
      continue;
    }
    at = text.indexOf(key, valueEnd);
  }
  return found;
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
