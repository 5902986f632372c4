import { redactUri } from '../apt/auth-conf.js';
import type { TorrentPolicy, TrustedManifest } from './assign-torrents.js';
import { UNTRUSTED_PHRASE } from './manifest-trust.js';
import type { Network } from './network.js';
import type { PlannedFile } from './plan.js';

/**
 * Collects the files the torrent policy kept on HTTP, and says so once per
 * source reached through a proxy and once per manifest nothing vouches
 * for, never once per file. Pure.
 */
export function heldNotices(network: Pick<Network, 'proxyFor'>): { held: NonNullable<TorrentPolicy['held']>; messages(): string[] } {
  const proxied = new Map<string, { proxy: string; count: number }>();
  const untrusted = new Map<string, number>();
  return {
    held(file: PlannedFile, manifest: TrustedManifest, why: 'proxy' | 'untrusted') {
      if (why === 'proxy') {
        const entry = proxied.get(file.repoUri) ?? { proxy: network.proxyFor(file.uri) ?? '', count: 0 };
        entry.count += 1;
        proxied.set(file.repoUri, entry);
      } else {
        untrusted.set(manifest.url, (untrusted.get(manifest.url) ?? 0) + 1);
      }
    },
    messages() {
      return [
        ...[...proxied].map(([repoUri, { proxy, count }]) => `APT reaches ${redactUri(repoUri)} through the proxy ${redactUri(proxy)}: ${count} file(s) its manifest lists come over HTTP through it, not by BitTorrent, whose peers and trackers cannot be reached through an HTTP proxy (torrent.withProxy: on uses BitTorrent anyway)`),
        ...[...untrusted].map(([url, count]) => `manifest ${redactUri(url)} is not trusted (${UNTRUSTED_PHRASE}): its ${count} file(s) come over HTTP, so that no tracker it names learns what this machine installs (list it in the signed Release, sign it for manifestKeyring, serve it over https, or set torrent.trackers)`),
      ];
    },
  };
}
