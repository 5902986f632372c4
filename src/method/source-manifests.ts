import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { redactUri } from '../apt/auth-conf.js';
import { assignTorrents, type TorrentPolicy, type TrustedManifest } from '../fetch/assign-torrents.js';
import { UNTRUSTED_PHRASE } from '../fetch/manifest-trust.js';
import { discoverManifests } from '../fetch/discover.js';
import { methodSkipsUnvouched } from '../fetch/manifest-prospect.js';
import { fetchCached } from '../fetch/fetch-cached.js';
import type { Network } from '../fetch/network.js';
import type { PlannedFile } from '../fetch/plan.js';
import type { AptSource } from '../fetch/resolve.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export interface SourceManifestsOptions {
  network: Network;
  /** The `manifest` config key: one manifest for every source instead of discovery. */
  manifestUrl?: string;
  keyring?: string;
  trackers: readonly string[];
  /** torrent.untrustedManifests, and the files kept off BitTorrent because APT reaches their source through a proxy (torrent.withProxy). */
  policy: Omit<TorrentPolicy, 'held'>;
  /** Where fetched manifests are kept for conditional requests. */
  cacheDir: string;
  /** Where checked .torrent files wait for the download. */
  torrentDir: string;
  timeoutMs: number;
  /** Told once per problem: a manifest or a .torrent that cannot be used. */
  warn(message: string): void;
}

/**
 * The manifests of the sources this run fetches from, each discovered and
 * checked against the suite's Release once per method run, however many
 * packages ask; and the .torrent of each file routed to BitTorrent, fetched
 * and checked before any answer goes to APT, so a missing or wrong .torrent
 * means a redirect to the mirror rather than a download that fails later.
 */
export class SourceManifests {
  private readonly found = new Map<string, Promise<TrustedManifest[]>>();
  private readonly staged = new Map<string, Promise<string | undefined>>();
  /** Sources and manifests the policy kept on HTTP, said once each. */
  private readonly held = new Set<string>();

  constructor(private readonly options: SourceManifestsOptions) {}

  /** The file routed to BitTorrent when a manifest of its source lists its SHA256 and size, else undefined. */
  async match(file: PlannedFile, source: AptSource): Promise<PlannedFile | undefined> {
    const manifests = await this.forSource(source);
    // The same policy as the command's own client: a source behind a proxy, or a manifest nothing vouches for under
    // torrent.untrustedManifests: http, keeps its files on HTTP, which APT's own method then fetches through that proxy.
    const [assigned] = assignTorrents([file], manifests, this.options.trackers, { ...this.options.policy, held: (held, manifest, why) => this.sayHeld(held, manifest, why) });
    if (assigned?.route !== 'torrent' || !assigned.torrent) return undefined;
    const local = await this.stage(assigned);
    return local ? { ...assigned, torrent: { ...assigned.torrent, torrentUrl: local } } : undefined;
  }

  private sayHeld(file: PlannedFile, manifest: TrustedManifest, why: 'proxy' | 'untrusted'): void {
    const key = why === 'proxy' ? `proxy\0${file.repoUri}` : `untrusted\0${manifest.url}`;
    if (this.held.has(key)) return;
    this.held.add(key);
    this.options.warn(why === 'proxy'
      ? `APT reaches ${redactUri(file.repoUri)} through a proxy: the files its manifest lists come over HTTP through it, not by BitTorrent, whose peers and trackers cannot be reached through an HTTP proxy (torrent.withProxy: on uses BitTorrent anyway)`
      : `manifest ${redactUri(manifest.url)} is not trusted (${UNTRUSTED_PHRASE}): its files come over HTTP (torrent.untrustedManifests: http)`);
  }

  private forSource(source: AptSource): Promise<TrustedManifest[]> {
    const key = this.options.manifestUrl ? '*' : `${source.repoUri}\0${source.release}`;
    let manifests = this.found.get(key);
    if (!manifests) {
      manifests = discoverManifests([source], {
        network: this.options.network,
        manifestUrl: this.options.manifestUrl,
        keyring: this.options.keyring,
        cacheDir: this.options.cacheDir,
        timeoutMs: this.options.timeoutMs,
        // Without trackers of its own, the method has no use for a manifest nothing vouches for (see match).
        skipUnvouched: methodSkipsUnvouched(this.options.trackers, this.options.policy.untrusted),
        warn: (message) => this.options.warn(message),
      }).catch((error: unknown) => {
        this.options.warn(`manifest discovery for ${redactUri(source.repoUri)} ${source.release} failed (${(error as Error).message}); its files come from the mirror`);
        return [];
      });
      this.found.set(key, manifests);
    }
    return manifests;
  }

  /** A file: URL of the checked .torrent, or undefined (warned) when it cannot be used. */
  private stage(file: PlannedFile): Promise<string | undefined> {
    const source = file.torrent!;
    let staged = this.staged.get(source.infoHash);
    if (!staged) {
      staged = (async () => {
        try {
          const fetched = await fetchCached(source.torrentUrl, { network: this.options.network, timeoutMs: this.options.timeoutMs });
          if (!fetched) throw new Error('not found (404)');
          const { acceptTorrent } = await import('../bittorrent/accept-torrent.js');
          acceptTorrent(fetched.bytes, { size: file.size, infoHash: source.infoHash });
          await mkdir(this.options.torrentDir, { recursive: true, mode: 0o700 });
          const path = join(this.options.torrentDir, `${source.infoHash}.torrent`);
          await writeFileAtomic(path, fetched.bytes, { mode: 0o600 });
          return pathToFileURL(path).href;
        } catch (error) {
          this.options.warn(`torrent ${redactUri(source.torrentUrl)} for ${file.cacheName} cannot be used (${(error as Error).message}); fetching it from the mirror`);
          return undefined;
        }
      })();
      this.staged.set(source.infoHash, staged);
    }
    return staged;
  }
}
