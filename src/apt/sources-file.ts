/**
 * Which format a sources file is in, and which files of a sources directory
 * APT reads, by APT's own rules. Pure.
 */
import { parseSourcesDeb822 } from './sources-deb822.js';
import { parseSourcesList } from './sources-list.js';
import type { SourceEntry } from './source-entry.js';

export type SourcesFormat = 'one-line' | 'deb822';

/** APT reads a file ending in `.sources` as deb822, anything else (`.list`, sources.list) as one-line. */
export function formatOf(path: string): SourcesFormat {
  return path.endsWith('.sources') ? 'deb822' : 'one-line';
}

export function parseSources(text: string, format: SourcesFormat): SourceEntry[] {
  return format === 'deb822' ? parseSourcesDeb822(text) : parseSourcesList(text);
}

/**
 * Whether APT reads this name in Dir::Etc::SourceParts: `.list` or
 * `.sources`, not hidden, only letters, digits, `_`, `-`, `:` and `.`, not
 * ending in a period. Others (`x.list.save`, `x.list~`, `.x.list`) it skips.
 */
export function isSourcesPartName(name: string): boolean {
  return !name.startsWith('.') && /^[A-Za-z0-9_:.-]+\.(list|sources)$/.test(name);
}
