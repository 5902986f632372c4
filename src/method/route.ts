/**
 * Which acquires this method fetches itself, and how the rest reach the
 * mirror.
 *
 * Everything that is not a .deb a manifest lists (InRelease, Release,
 * Packages, by-hash, pdiffs, other .debs) is answered with `103 Redirect` to
 * the same URI without `torrent+`, so APT's own http(s) method fetches it
 * exactly as APT would without apt-torrent: If-Modified-Since on the
 * indexes, proxies, auth.conf, the https-to-http redirect rule, pipelining,
 * its own error messages and retries. Relaying instead (fetching the bytes
 * here, or running APT's http method as a child and passing its messages
 * through) would have to copy all of that to save what a redirect costs,
 * which is little; it is only needed by a method registered for `http`
 * itself, which a redirect to `http://` would call again.
 *
 * What a redirect costs, measured (`npm run bench -- --scenarios method`:
 * nginx on loopback, 50 small packages, the same sandboxed APT with an
 * `http://` and a `torrent+http://` source, 11 runs, 2 busy cores): each
 * further file redirected costs 0.5 ms (the slope between 10 and 50
 * packages; within the noise of about 3 ms). The cost is per APT run,
 * 0.1-0.17 s on the same machine: one start of Node (APT's first start,
 * only to read the capabilities, is answered by main.js's shell line), and
 * on an install the manifest check of the first package, which reads the
 * suite's Release in APT's lists and asks the mirror only when a manifest
 * is listed there and not yet at hand (see discover.ts).
 */
import { basename, dirname } from 'node:path';
import type { PlannedFile } from '../fetch/plan.js';
import type { AptSource } from '../fetch/resolve.js';
import { mirrorUri, type Acquire } from './acquire.js';
import { releaseFilesOf } from '../apt/list-name.js';

export type Route =
  | { kind: 'redirect'; to: string; reason: string }
  | { kind: 'fail'; message: string }
  | { kind: 'candidate'; to: string; file: PlannedFile; source: AptSource };

export interface RouteContext {
  torrentEnabled: boolean;
  /** APT's `archives/partial/` (with the trailing slash): the only place a .deb is taken over. */
  archivesPartial: string;
  /** APT's lists directory (with the trailing slash), where the verified Release files are. */
  lists: string;
}

/**
 * Decide, from the 600 alone, whether a file may go over BitTorrent (then a
 * manifest still has to list it with the same SHA256 and size) or is
 * redirected at once. Pure.
 */
export function routeAcquire(acquire: Acquire, context: RouteContext): Route {
  const to = mirrorUri(acquire.uri);
  if (!to) return { kind: 'fail', message: `${acquire.uri}: not a torrent+http or torrent+https URI` };
  const redirect = (reason: string): Route => ({ kind: 'redirect', to, reason });
  if (!context.torrentEnabled) return redirect('torrent.enabled is false');
  if (acquire.indexFile || (acquire.type !== undefined && acquire.type !== 'deb') || !acquire.filename.endsWith('.deb')) return redirect('not a package');
  if (`${dirname(acquire.filename)}/` !== context.archivesPartial) return redirect('not bound for APT\'s archive cache');
  const sha256 = acquire.expected.get('sha256');
  if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256)) return redirect('no SHA256 from the index');
  if (!acquire.size) return redirect('no size from the index');
  const repoUri = acquire.repoUri ? mirrorUri(acquire.repoUri) : undefined;
  const release = acquire.release;
  if (!repoUri || !release || release.startsWith('.') || release.split('/').includes('..')) return redirect('no suite of a torrent+ source named');
  const cacheName = basename(acquire.filename);
  const [name = '', version = '', arch = ''] = cacheName.replace(/\.deb$/, '').split('_');
  return {
    kind: 'candidate',
    to,
    source: { repoUri, release, releaseFiles: releaseFilesOf(acquire.repoUri!, release, context.lists) },
    file: {
      uri: to,
      cacheName,
      size: acquire.size,
      sha256,
      package: name,
      version: version.replace(/%3a/gi, ':'),
      architecture: arch,
      route: 'http',
      repoUri,
      release,
    },
  };
}
