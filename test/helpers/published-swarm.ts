import { join } from 'node:path';
import { buildArchive, type TestArchive, type TestPackage } from './archive.js';
import type { Served } from './cli.js';
import { TestMirror } from './mirror.js';
import type { Proc } from './proc.js';
import { publishWithTracker, seedDir, startAria2Seeder } from './swarm.js';

/**
 * What the APT method's tests stand on: an archive served by a TestMirror,
 * published with a tracker, its Release listing the manifest (so the method
 * trusts it), and aria2 seeding one of its packages from 127.0.0.2.
 * stop() ends and removes it all.
 */
export class PublishedSwarm {
  private tracker?: Served;
  private seeder?: Proc;

  private constructor(readonly repo: TestArchive, readonly mirror: TestMirror) {}

  static async start(packages: readonly TestPackage[], seeded: string): Promise<PublishedSwarm> {
    const repo = buildArchive(packages);
    const swarm = new PublishedSwarm(repo, new TestMirror(repo.root));
    try {
      await swarm.mirror.start();
      ({ tracker: swarm.tracker } = await publishWithTracker(repo.root, swarm.mirror.url));
      repo.index({ release: ['-o', 'APT::FTPArchive::Release::Patterns::=manifest.json'] });
      swarm.seeder = await startAria2Seeder(`${swarm.debPath(seeded)}.torrent`, seedDir(swarm.debPath(seeded)), '127.0.0.2');
    } catch (error) {
      await swarm.stop();
      throw error;
    }
    return swarm;
  }

  debPath(name: string): string {
    return join(this.repo.root, this.repo.pool.get(name)!);
  }

  debName(name: string): string {
    return this.repo.pool.get(name)!.split('/').pop()!;
  }

  /** Bytes of this package's .deb the mirror has sent since request number `mark`. */
  servedSince(mark: number, name: string): number {
    return this.mirror.requests.slice(mark).filter((request) => request.path.endsWith(this.debName(name))).reduce((sum, request) => sum + request.bytes, 0);
  }

  /** Stop the aria2 seeder: from then on, only the mirror and what the test starts have the file. */
  async stopSeeder(): Promise<void> {
    await this.seeder?.stop();
    this.seeder = undefined;
  }

  async stop(): Promise<void> {
    await this.seeder?.stop();
    await this.tracker?.stop();
    await this.mirror.stop();
    this.repo.dispose();
  }
}
