import { debuglog } from 'node:util';
import { parseScrape, scrapeQuery, scrapeUrl, type SwarmCount } from '../bittorrent/scrape.js';
import type { Network } from './network.js';
import type { PlannedFile } from './plan.js';

const debug = debuglog('apt-torrent');

/** The most a scrape answer may weigh. */
const SCRAPE_BYTES = 1024 * 1024;

/**
 * Ask the trackers, in one scrape each, who is in the swarms of the planned
 * torrents. Files whose swarms are empty on every tracker asked come over
 * plain HTTP straight away (no BitTorrent client is even loaded): nobody can
 * give them, and the mirror is fastest over plain HTTP. They keep their
 * torrent, so they can be seeded afterwards. A tracker that cannot be
 * scraped (UDP, no /scrape, down) leaves its files to BitTorrent, where the
 * fetch policy decides.
 */
export async function routeEmptySwarms(
  files: readonly PlannedFile[],
  network: Network,
  timeoutMs: number,
  hasPartial: (infoHash: string) => boolean,
): Promise<PlannedFile[]> {
  // Pieces kept from an interrupted run stay on the torrent path: only the rest is fetched.
  const torrents = files.filter((file) => file.route === 'torrent' && file.torrent && !hasPartial(file.torrent.infoHash));
  if (torrents.length === 0) return [...files];
  const empty = await emptySwarms(torrents.map((file) => file.torrent!), network, timeoutMs);
  return files.map((file) => (file.route === 'torrent' && empty.has(file.torrent!.infoHash) ? { ...file, route: 'http' } : file));
}

/**
 * The infohashes, of those given, whose swarms are empty on every tracker
 * asked (one scrape per tracker); a tracker that cannot be scraped, or
 * does not answer within `timeoutMs`, counts as knowing peers.
 */
export async function emptySwarms(torrents: ReadonlyArray<{ infoHash: string; trackers: readonly string[] }>, network: Pick<Network, 'requestOptions'>, timeoutMs: number, signal?: AbortSignal): Promise<Set<string>> {
  const byScrape = new Map<string, Set<string>>();
  const unscrapable = new Set<string>();
  for (const torrent of torrents) {
    const urls = torrent.trackers.map(scrapeUrl);
    if (urls.length === 0 || urls.some((url) => url === undefined)) unscrapable.add(torrent.infoHash);
    for (const url of urls) if (url) (byScrape.get(url) ?? byScrape.set(url, new Set()).get(url)!).add(torrent.infoHash);
  }
  const { default: got } = await import('got');
  const answers = await Promise.all([...byScrape].map(async ([url, hashes]) => {
    try {
      const query = scrapeQuery(url, [...hashes]);
      const options = network.requestOptions(query);
      const request = got(query, {
        ...options,
        headers: { 'user-agent': 'apt-torrent', ...options.headers },
        responseType: 'buffer',
        retry: { limit: 0 },
        timeout: { request: timeoutMs },
        ...(signal ? { signal } : {}),
      });
      // A scrape answer is a few dozen bytes per torrent; a tracker sending more is cut off, not buffered.
      request.on('downloadProgress', (progress: { transferred: number; total?: number }) => {
        if (progress.transferred > SCRAPE_BYTES || (progress.total ?? 0) > SCRAPE_BYTES) request.cancel();
      });
      const response = await request;
      return { hashes, counts: parseScrape(response.body) };
    } catch (error) {
      debug('scrape %s failed: %s', url, (error as Error).message);
      return { hashes, counts: undefined };
    }
  }));
  // A swarm counts as empty only when every tracker answered and none knows a peer
  // (a tracker that omits the infohash has had no announce for it).
  const occupied = new Set(unscrapable);
  for (const { hashes, counts } of answers) {
    for (const hash of hashes) {
      const swarm: SwarmCount | undefined = counts?.get(hash);
      if (!counts || (swarm && (swarm.complete > 0 || swarm.incomplete > 0))) occupied.add(hash);
    }
  }
  return new Set(torrents.map((torrent) => torrent.infoHash).filter((hash) => !occupied.has(hash)));
}
