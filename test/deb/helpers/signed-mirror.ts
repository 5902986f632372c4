import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildArchive, type TestArchive, type TestPackage } from '../../helpers/archive.js';
import type { Served } from '../../helpers/cli.js';
import { cleanEnv } from '../../helpers/env.js';
import { Nginx } from '../../helpers/nginx.js';
import type { Proc } from '../../helpers/proc.js';
import { publishWithTracker, seedDir, startAria2Seeder } from '../../helpers/swarm.js';
import { removeTempDir, tempDir } from '../../helpers/temp.js';

/**
 * What a mirror that publishes a manifest looks like from a Debian machine:
 * an archive whose Release (listing the manifest) is signed with a key of its
 * own, served by nginx on loopback, `apt-torrent serve --tracker` as its
 * tracker, and aria2 (a third-party client) seeding the packages `seeded`
 * names. stop() ends and removes it all, whatever start() got to.
 */
export class SignedMirror {
  private readonly procs: Proc[] = [];
  private readonly dirs: string[] = [];
  private archive?: TestArchive;
  private nginx?: Nginx;
  private tracker?: Served;
  /** The archive's public key, armored, for a Signed-By file. */
  publicKey = '';

  get url(): string {
    return this.nginx!.url;
  }

  async start(packages: readonly TestPackage[], seeded: readonly string[]): Promise<void> {
    this.archive = buildArchive(packages);
    this.nginx = new Nginx(this.archive.root);
    await this.nginx.start();
    ({ tracker: this.tracker } = await publishWithTracker(this.archive.root, this.url));
    this.sign();
    for (const name of seeded) {
      const deb = this.archive.path(name);
      const data = seedDir(deb);
      this.dirs.push(data);
      this.procs.push(await startAria2Seeder(`${deb}.torrent`, data, '127.0.0.2'));
    }
  }

  /** Pool file name of a package's .deb. */
  debName(name: string): string {
    return this.archive!.pool.get(name)!.split('/').pop()!;
  }

  /** The .deb's size in the pool. */
  size(name: string): number {
    return this.archive!.bytes(name).length;
  }

  /** Body bytes nginx sent of a package's .deb so far. */
  served(name: string): number {
    return this.nginx!.bytesServed(this.debName(name));
  }

  /** The manifest `apt-torrent publish` wrote. */
  manifest(): { files: Array<{ package: string }> } {
    return JSON.parse(readFileSync(join(this.archive!.root, 'dists/stable/apt-torrent/manifest.json'), 'utf8'));
  }

  async stop(): Promise<void> {
    for (const proc of this.procs.splice(0)) await proc.stop();
    await this.tracker?.stop();
    await this.nginx?.stop();
    this.archive?.dispose();
    for (const dir of this.dirs.splice(0)) removeTempDir(dir);
  }

  /** InRelease and Release.gpg with a fresh ed25519 key, as an archive's signing step makes them. */
  private sign(): void {
    const home = tempDir('gnupg');
    const gpg = (...args: string[]) => execFileSync('gpg', ['--homedir', home, '--batch', '--yes', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { stdio: 'pipe', env: cleanEnv() });
    try {
      gpg('--quick-gen-key', 'apt-torrent test archive <archive@example.org>', 'ed25519', 'sign', 'never');
      const release = join(this.archive!.root, 'dists/stable/Release');
      gpg('--clearsign', '--output', join(this.archive!.root, 'dists/stable/InRelease'), release);
      gpg('--detach-sign', '--armor', '--output', `${release}.gpg`, release);
      this.publicKey = gpg('--armor', '--export', 'archive@example.org').toString('utf8');
    } finally {
      // gpg started an agent for this home directory: it goes with the directory.
      execFileSync('gpgconf', ['--homedir', home, '--kill', 'all'], { env: cleanEnv() });
      removeTempDir(home);
    }
  }

  /** The key where a Debian machine keeps an archive's key, for Signed-By. */
  writeKey(path: string): void {
    writeFileSync(path, this.publicKey);
  }
}
