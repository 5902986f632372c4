import type { ManifestFile } from '../manifest/manifest.js';
import type { TrustReason } from './manifest-trust.js';
import type { PlannedFile } from './plan.js';

/** A manifest that passed its checks, with what is needed to resolve its torrent paths. */
export interface TrustedManifest {
  /** Where it was read from. */
  url: string;
  /** The repository and suite it was found for; undefined for a manifest given by URL or config, which applies to all. */
  repoUri?: string;
  release?: string;
  /** Where relative `torrent` paths resolve: the archive root the manifest was fetched from. */
  torrentBase: string;
  trackers: string[];
  files: ManifestFile[];
  /** What vouches for its bytes; undefined when nothing does (plain http, not in Release, not signed). */
  trustedBy?: TrustReason;
}

/** What BitTorrent may be used for. */
export interface TorrentPolicy {
  /** What a manifest nothing vouches for may do (the config key `torrent.untrustedManifests`). */
  untrusted: 'own-trackers' | 'http' | 'all';
  /** Files that must not go by BitTorrent whatever the manifest says: their source is reached through a proxy. */
  proxied?: (file: PlannedFile) => boolean;
  /** Told of each file a manifest lists that stays on HTTP because of this policy. */
  held?: (file: PlannedFile, manifest: TrustedManifest, why: 'proxy' | 'untrusted') => void;
}

/**
 * Route to BitTorrent every HTTP file that a manifest lists with the same
 * SHA256 and size as APT's index — never by name alone, so a wrong or
 * hostile manifest can only cost time. The trackers are the manifest's
 * (and the config's) only when something vouches for the manifest; from
 * any other, only the config's own, or none and the file stays on HTTP.
 * Pure; returns new plan entries.
 */
export function assignTorrents(
  files: readonly PlannedFile[],
  manifests: readonly TrustedManifest[],
  extraTrackers: readonly string[] = [],
  policy: TorrentPolicy = { untrusted: 'own-trackers' },
): PlannedFile[] {
  const byHash = new Map<string, { manifest: TrustedManifest; entry: ManifestFile }[]>();
  for (const manifest of manifests) {
    for (const entry of manifest.files) {
      const key = `${entry.sha256}\0${entry.size}`;
      const list = byHash.get(key) ?? [];
      list.push({ manifest, entry });
      byHash.set(key, list);
    }
  }
  return files.map((file) => {
    if (file.route !== 'http') return file;
    const candidates = byHash.get(`${file.sha256}\0${file.size}`) ?? [];
    // A manifest found for the file's own source is preferred over one given for all.
    const match = candidates.find(({ manifest }) => manifest.repoUri === file.repoUri && manifest.release === file.release)
      ?? candidates.find(({ manifest }) => manifest.repoUri === undefined);
    if (!match) return file;
    const torrentUrl = resolveTorrentUrl(match.manifest.torrentBase, match.entry.torrent, match.manifest.url.startsWith('file:'));
    if (!torrentUrl) return file;
    if (policy.proxied?.(file)) {
      policy.held?.(file, match.manifest, 'proxy');
      return file;
    }
    const trackers = trackersFor(match.manifest, extraTrackers, policy.untrusted);
    if (!trackers) {
      policy.held?.(file, match.manifest, 'untrusted');
      return file;
    }
    return {
      ...file,
      route: 'torrent',
      torrent: { torrentUrl, infoHash: match.entry.infoHash, pieceLength: match.entry.pieceLength, trackers },
    };
  });
}

/** The trackers a torrent from this manifest announces to; undefined when it must not be used at all. */
function trackersFor(manifest: TrustedManifest, own: readonly string[], untrusted: TorrentPolicy['untrusted']): string[] | undefined {
  if (manifest.trustedBy !== undefined || untrusted === 'all') return [...new Set([...manifest.trackers, ...own])];
  if (untrusted === 'own-trackers' && own.length > 0) return [...new Set(own)];
  return undefined;
}

/**
 * A relative torrent path under the base (segments encoded as APT does), or
 * an absolute http(s) URL; a file: URL (absolute, or under a file: base)
 * only from a manifest that is itself a local file: a mirror's manifest
 * must not make root read local files.
 */
export function resolveTorrentUrl(base: string, torrent: string, local = false): string | undefined {
  if (/^https?:/i.test(torrent) || (local && /^file:/i.test(torrent))) return torrent;
  if (/^[a-z][a-z0-9+.-]*:/i.test(torrent) || (!local && !/^https?:/i.test(base))) return undefined;
  if (torrent.startsWith('/') || torrent.split('/').some((part) => part === '..' || part === '.' || part === '')) return undefined;
  const root = base.endsWith('/') ? base : `${base}/`;
  return root + torrent.split('/').map(encodeURIComponent).join('/');
}
