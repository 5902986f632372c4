/**
 * Whether a source's manifest is worth a request, decided before any: by
 * discovery in the method, and by the commands that run apt-get through the
 * method, which switch to torrent+ only the sources the method may find a
 * manifest for (a method run that can only redirect costs a Node start and
 * its set-up on every run). One decision for both, here. Pure.
 */
import type { TorrentPolicy } from './assign-torrents.js';

/** What is known of a source's manifest before any request. */
export interface ManifestProspect {
  /** A manifest nothing could vouch for is left unfetched (the caller has no use for one). */
  skipUnvouched: boolean;
  /** A keyring is set: a signature may vouch for the manifest. */
  keyring: boolean;
  /** The suite's Release (verified by APT) lists the manifest. */
  listed: boolean;
  /** The manifest's URL is https with APT's certificate and host checks on. */
  authenticated: boolean;
}

/** True when discovery leaves the source's manifest unfetched. */
export function leavesUnfetched(prospect: ManifestProspect): boolean {
  return prospect.skipUnvouched && !prospect.keyring && !prospect.listed && !prospect.authenticated;
}

/**
 * Whether the method leaves unvouched manifests unfetched: it has no use
 * for one without torrent.trackers of its own, unless
 * torrent.untrustedManifests is `all` (assign-torrents keeps the files of a
 * manifest nothing vouches for off BitTorrent otherwise).
 */
export function methodSkipsUnvouched(trackers: readonly string[], untrusted: TorrentPolicy['untrusted']): boolean {
  return trackers.length === 0 && untrusted !== 'all';
}

/** The method's settings that bear on discovery. */
export interface MethodManifestSettings {
  /** The `manifest` key (`--manifest URL`): one manifest for every source, always fetched. */
  manifestUrl?: string;
  keyring?: string;
  trackers: readonly string[];
  /** torrent.untrustedManifests */
  untrusted: TorrentPolicy['untrusted'];
}

/**
 * True when the method may fetch a manifest for a source, from what its
 * suite's Release says and whether its URL authenticates the server. A
 * caller that cannot read the Release should not ask: the method decides
 * then, when it reads it itself.
 */
export function methodMayFetchManifest(settings: MethodManifestSettings, source: { listed: boolean; authenticated: boolean }): boolean {
  if (settings.manifestUrl) return true;
  return !leavesUnfetched({ skipUnvouched: methodSkipsUnvouched(settings.trackers, settings.untrusted), keyring: Boolean(settings.keyring), ...source });
}
