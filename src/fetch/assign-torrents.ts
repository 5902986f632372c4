import type { ManifestFile } from '../manifest/manifest.js';
import type { PlannedFile } from './plan.js';

/** A manifest that passed its checks, with what is needed to resolve its torrent paths. */
export interface TrustedManifest {
  /** The repository and suite it was found for; undefined for a manifest given by URL or config, which applies to all. */
  repoUri?: string;
  release?: string;
  /** Where relative `torrent` paths resolve: the archive root the manifest was fetched from. */
  torrentBase: string;
  trackers: string[];
  files: ManifestFile[];
}

/**
 * Route to BitTorrent every HTTP file that a manifest lists with the same
 * SHA256 and size as APT's index — never by name alone, so a wrong or
 * hostile manifest can only cost time. Pure; returns new plan entries.
 */
export function assignTorrents(files: readonly PlannedFile[], manifests: readonly TrustedManifest[], extraTrackers: readonly string[] = []): PlannedFile[] {
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
    const torrentUrl = resolveTorrentUrl(match.manifest.torrentBase, match.entry.torrent);
    if (!torrentUrl) return file;
    return {
      ...file,
      route: 'torrent',
      torrent: {
        torrentUrl,
        infoHash: match.entry.infoHash,
        pieceLength: match.entry.pieceLength,
        trackers: [...new Set([...match.manifest.trackers, ...extraTrackers])],
      },
    };
  });
}

/** A relative torrent path under the base (segments encoded as APT does), or an absolute http(s)/file URL. */
export function resolveTorrentUrl(base: string, torrent: string): string | undefined {
  if (/^(https?|file):/i.test(torrent)) return torrent;
  if (torrent.startsWith('/') || torrent.split('/').some((part) => part === '..' || part === '.' || part === '')) return undefined;
  const root = base.endsWith('/') ? base : `${base}/`;
  return root + torrent.split('/').map(encodeURIComponent).join('/');
}
