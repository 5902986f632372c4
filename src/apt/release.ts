/**
 * Reading a suite's Release (or InRelease) file. Pure. The publisher uses it
 * as APT does: the SHA256 list says which Packages indexes exist and what
 * their bytes must be, so an index that does not match its Release (a
 * half-finished archive update) is refused rather than published from.
 */
import { parseStanza } from './packages.js';

export interface ReleaseFileEntry {
  /** Path relative to `dists/<suite>/`, e.g. `main/binary-amd64/Packages.xz`. */
  path: string;
  size: number;
  sha256: string;
}

export interface Release {
  suite?: string;
  codename?: string;
  components: string[];
  architectures: string[];
  /** The SHA256 list, by path. */
  files: Map<string, ReleaseFileEntry>;
}

/** One Packages index the Release lists, in any of its compressions. */
export interface PackagesIndex {
  component: string;
  architecture: string;
  /** Variants listed, e.g. `Packages`, `Packages.gz`, `Packages.xz`, with their entries. */
  variants: ReleaseFileEntry[];
}

/**
 * Parse Release text; InRelease's clearsigned armour is removed first (its
 * signature is APT's business: the publisher runs on the archive's own disk).
 * @example parseRelease(text).files.get('main/binary-amd64/Packages')?.sha256
 */
export function parseRelease(text: string): Release {
  const fields = parseStanza(stripClearsign(text.replace(/\r\n/g, '\n')));
  const files = new Map<string, ReleaseFileEntry>();
  for (const line of (fields.get('SHA256') ?? '').split('\n')) {
    const match = /^\s*([0-9a-fA-F]{64})\s+(\d+)\s+(\S+)\s*$/.exec(line);
    if (match) files.set(match[3]!, { path: match[3]!, size: Number(match[2]), sha256: match[1]!.toLowerCase() });
  }
  const words = (key: string) => (fields.get(key) ?? '').split(/\s+/).filter(Boolean);
  return {
    suite: fields.get('Suite') || undefined,
    codename: fields.get('Codename') || undefined,
    components: words('Components'),
    architectures: words('Architectures'),
    files,
  };
}

/** The signed text of a clearsigned message, dash-escaping undone (RFC 4880, 7.1). */
export function stripClearsign(text: string): string {
  if (!text.startsWith('-----BEGIN PGP SIGNED MESSAGE-----')) return text;
  const bodyStart = text.indexOf('\n\n');
  const bodyEnd = text.indexOf('\n-----BEGIN PGP SIGNATURE-----');
  if (bodyStart === -1 || bodyEnd === -1) return text;
  return text.slice(bodyStart + 2, bodyEnd).split('\n').map((line) => (line.startsWith('- ') ? line.slice(2) : line)).join('\n');
}

/**
 * Every binary Packages index the Release lists, grouped by component and
 * architecture. Installer indexes (`main/debian-installer/...`) count as the
 * component `main/debian-installer`, which is only read when asked for.
 */
export function packagesIndexes(release: Release): PackagesIndex[] {
  const byKey = new Map<string, PackagesIndex>();
  for (const entry of release.files.values()) {
    const match = /^(.+)\/binary-([^/]+)\/Packages(\.gz|\.xz)?$/.exec(entry.path);
    if (!match) continue;
    const key = `${match[1]}\0${match[2]}`;
    const index = byKey.get(key) ?? { component: match[1]!, architecture: match[2]!, variants: [] };
    index.variants.push(entry);
    byKey.set(key, index);
  }
  return [...byKey.values()];
}
