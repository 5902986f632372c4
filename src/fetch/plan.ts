import type { PackageEntry } from '../apt/packages.js';
import { decodeUri, type AptUri } from '../apt/print-uris.js';

/** How a file will come: BitTorrent (mirror as web seed), HTTP by apt-torrent, or left to apt-get (schemes we do not fetch). */
export type Route = 'torrent' | 'http' | 'apt';

/** What a torrent-routed file needs beyond its URI: from the manifest entry that matched it. */
export interface TorrentSource {
  /** Absolute URL (http, https or file) of the .torrent. */
  torrentUrl: string;
  infoHash: string;
  pieceLength: number;
  trackers: string[];
}

/** One file of a plan: everything needed to fetch it and to prove it is right. */
export interface PlannedFile {
  uri: string;
  cacheName: string;
  size: number;
  /** Expected SHA256 from the Packages index; '' only for route 'apt'. */
  sha256: string;
  package: string;
  version: string;
  architecture: string;
  route: Route;
  /** The repository and suite whose index vouched for the file ('' for route 'apt'). */
  repoUri: string;
  release: string;
  torrent?: TorrentSource;
}

/** A Packages entry together with the repository it was listed for. */
export interface IndexedEntry {
  repoUri: string;
  release: string;
  entry: PackageEntry;
}

export interface Plan {
  files: PlannedFile[];
  /** Files we must not fetch: no SHA256 in any index, or no index entry at all. */
  refused: Array<{ uri: string; cacheName: string; reason: string }>;
}

const FETCHED_SCHEMES = /^(https?|file):/i;

/** `./x.deb` and `x.deb` are the same file in a flat repository. */
export function normalizePoolPath(path: string): string {
  return path.replace(/^(\.\/)+/, '');
}

/**
 * The pool paths a URI may have in the indexes of the given repositories:
 * the decoded URI with a repository root taken off its front.
 */
export function candidatePaths(uri: string, repoUris: readonly string[]): Array<{ repoUri: string; path: string }> {
  const decoded = decodeUri(uri);
  return repoUris
    .filter((repoUri) => decoded.startsWith(repoUri))
    .map((repoUri) => ({ repoUri, path: normalizePoolPath(decoded.slice(repoUri.length)) }));
}

/**
 * Decide, for each file APT wants, what it must hash to and how it comes.
 * A file is matched to an index entry by repository, pool path and size;
 * one without a SHA256 is refused rather than fetched blind.
 */
export function buildPlan(uris: readonly AptUri[], indexed: readonly IndexedEntry[]): Plan {
  const byPath = new Map<string, IndexedEntry[]>();
  for (const item of indexed) {
    const key = `${item.repoUri}\0${normalizePoolPath(item.entry.filename)}`;
    const list = byPath.get(key);
    if (list) list.push(item);
    else byPath.set(key, [item]);
  }
  const repoUris = [...new Set(indexed.map((item) => item.repoUri))];
  const plan: Plan = { files: [], refused: [] };
  for (const uri of uris) {
    if (!FETCHED_SCHEMES.test(uri.uri)) {
      plan.files.push({ ...uri, sha256: '', package: '', version: '', architecture: '', route: 'apt', repoUri: '', release: '' });
      continue;
    }
    const matches = candidatePaths(uri.uri, repoUris)
      .flatMap(({ repoUri, path }) => byPath.get(`${repoUri}\0${path}`) ?? [])
      .filter((item) => item.entry.size === uri.size);
    const withHash = matches.find((item) => item.entry.sha256 !== '');
    if (!withHash) {
      plan.refused.push({
        uri: uri.uri,
        cacheName: uri.cacheName,
        reason: matches.length > 0 ? 'its Packages entry has no SHA256' : 'no Packages index in APT\'s lists has an entry with this path and size',
      });
      continue;
    }
    const { entry, repoUri, release } = withHash;
    plan.files.push({
      repoUri,
      release,
      uri: uri.uri,
      cacheName: uri.cacheName,
      size: uri.size,
      sha256: entry.sha256,
      package: entry.package,
      version: entry.version,
      architecture: entry.architecture,
      route: 'http',
    });
  }
  return plan;
}

/** The pool paths worth looking up in each repository's indexes. */
export function wantedPaths(uris: readonly AptUri[], repoUris: readonly string[]): Map<string, Set<string>> {
  const wanted = new Map<string, Set<string>>();
  for (const uri of uris) {
    if (!FETCHED_SCHEMES.test(uri.uri)) continue;
    for (const { repoUri, path } of candidatePaths(uri.uri, repoUris)) {
      let set = wanted.get(repoUri);
      if (!set) wanted.set(repoUri, (set = new Set()));
      set.add(path);
      set.add(`./${path}`);
    }
  }
  return wanted;
}
