import { join } from 'node:path';
import type { TestArchive } from '../../helpers/archive.js';
import type { Served } from '../../helpers/cli.js';
import type { TestMirror } from '../../helpers/mirror.js';
import type { Sandbox } from '../../helpers/sandbox.js';
import { ServedArchive } from '../../helpers/served-archive.js';
import { bareTorrent, publishWithTracker } from '../../helpers/swarm.js';
import { removeTempDir, tempDir } from '../../helpers/temp.js';
import { configureSeeding } from './daemon.js';

export const MiB = 1024 * 1024;

/**
 * A published archive on a real swarm: bigdata (8 MiB) and bigdesk (3 MiB)
 * go by BitTorrent, tinylib over HTTP, `apt-torrent serve --tracker` tracks
 * them; and a sandboxed APT whose apt-torrent seeds, with no ratio or time
 * target (transfers must not make a torrent idle unless a test sets one).
 */
export class SeedingSwarm {
  private readonly work = tempDir('seed-test');

  private constructor(private readonly site: ServedArchive, readonly tracker: Served, readonly announce: string, readonly box: Sandbox) {}

  static async start(): Promise<SeedingSwarm> {
    const site = await ServedArchive.start([
      { name: 'bigdata', version: '1.0', payload: 8 * MiB },
      { name: 'bigdesk', version: '2.0', payload: 3 * MiB },
      { name: 'tinylib', version: '1.0', payload: 20_000 },
    ]);
    const { tracker, announce } = await publishWithTracker(site.archive.root, site.mirror.url);
    const box = await site.sandbox((sandbox) => configureSeeding(join(sandbox.dir, 'xdg/apt-torrent/config.json'), { socket: join(sandbox.dir, 'seed.sock'), ratio: 0 }));
    return new SeedingSwarm(site, tracker, announce, box);
  }

  get repo(): TestArchive {
    return this.site.archive;
  }

  get mirror(): TestMirror {
    return this.site.mirror;
  }

  configFile(): string {
    return join(this.box.dir, 'xdg/apt-torrent/config.json');
  }

  /** The seeding daemon's store. */
  store(): string {
    return join(this.box.dir, 'apt-torrent-state/store');
  }

  /** A package's file name, as APT's archive cache and the torrent name it. */
  debName(name: string): string {
    return this.repo.pool.get(name)!.split('/').pop()!;
  }

  /** The published torrent of a package without its web seed: a client can get the file from peers only. */
  bareTorrent(name: string): string {
    return bareTorrent(`${this.repo.path(name)}.torrent`, this.work);
  }

  /** .deb requests the mirror answered so far. */
  debRequests(): number {
    return this.mirror.requests.filter((request) => request.path.endsWith('.deb')).length;
  }

  async stop(): Promise<void> {
    await this.tracker.stop();
    await this.site.stop();
    removeTempDir(this.work);
  }
}
