import { redactUri } from '../apt/auth-conf.js';
import type { TorrentPolicy } from './assign-torrents.js';
import type { ManifestOutcome } from './discover.js';
import { TRUST_PHRASES, UNTRUSTED_PHRASE, type TrustReason } from './manifest-trust.js';
import type { AptSource } from './resolve.js';

/** Whether a source's files may go by BitTorrent, and why: one line of `plan` per source. */
export interface SourceReport {
  repoUri: string;
  release: string;
  /** The manifest looked at for it, if any. */
  manifest?: string;
  /** The files its manifest lists go by BitTorrent. */
  bittorrent: boolean;
  /** Whose trackers their torrents announce to. */
  trackers: 'manifest' | 'own' | 'none';
  /** What vouches for the manifest; undefined when nothing does, or there is none. */
  trustedBy?: TrustReason;
  why: string;
}

export interface ReportSettings {
  enabled: boolean;
  untrusted: TorrentPolicy['untrusted'];
  ownTrackers: readonly string[];
  withProxy: 'off' | 'on';
  proxyFor(uri: string): string | undefined;
}

/** One report per source, from what discovery found and the settings. Pure. */
export function reportSources(sources: readonly AptSource[], outcomes: readonly ManifestOutcome[], settings: ReportSettings): SourceReport[] {
  return sources.map((source) => {
    const base = { repoUri: source.repoUri, release: source.release };
    const off = (why: string, extra: Partial<SourceReport> = {}): SourceReport => ({ ...base, bittorrent: false, trackers: 'none', why, ...extra });
    if (!settings.enabled) return off('BitTorrent is off (torrent.enabled: false, or --no-torrent)');
    const proxy = settings.proxyFor(source.repoUri);
    const outcome = outcomes.find((item) => item.source?.repoUri === source.repoUri && item.source.release === source.release)
      ?? outcomes.find((item) => item.source === undefined);
    const manifest = outcome ? { manifest: redactUri(outcome.url) } : {};
    if (proxy && settings.withProxy === 'off') {
      return off(`APT reaches it through the proxy ${redactUri(proxy)}, and BitTorrent cannot go through an HTTP proxy (torrent.withProxy: on uses it anyway)`, manifest);
    }
    if (!outcome || outcome.state === 'absent') return off('no manifest published', manifest);
    if (outcome.state === 'unusable') return off(`its manifest cannot be used: ${outcome.problem}`, manifest);
    if (outcome.trustedBy) {
      return { ...base, ...manifest, bittorrent: true, trackers: 'manifest', trustedBy: outcome.trustedBy, why: `manifest trusted: ${TRUST_PHRASES[outcome.trustedBy]}` };
    }
    const untrusted = `manifest not trusted: ${UNTRUSTED_PHRASE}`;
    if (settings.untrusted === 'all') return { ...base, ...manifest, bittorrent: true, trackers: 'manifest', why: `${untrusted}; used as published (torrent.untrustedManifests: all)` };
    if (settings.untrusted === 'own-trackers' && settings.ownTrackers.length > 0) {
      return { ...base, ...manifest, bittorrent: true, trackers: 'own', why: `${untrusted}; its torrents announce only to torrent.trackers` };
    }
    return off(`${untrusted}; so no tracker of its choosing learns what this machine installs (set torrent.trackers for trackers of your own)`, manifest);
  });
}
