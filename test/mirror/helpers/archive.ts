import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DebSpec {
  name: string;
  version: string;
  /** Bytes of random payload; the .deb is a little larger. */
  payload: number;
  architecture?: string;
}

/**
 * A real archive on disk for the mirror-side tests: dpkg-deb builds the
 * .debs, apt-ftparchive writes Packages (plain, .gz and .xz, as chosen) and
 * Release for suite `stable`, component `main`, architectures amd64 and all.
 */
export class TestArchive {
  readonly root: string;
  /** Pool path by package name. */
  readonly pool = new Map<string, string>();
  private static made: string[] = [];

  constructor(root?: string) {
    this.root = root ?? mkdtempSync(join(tmpdir(), 'apt-torrent-archive-'));
    if (!root) TestArchive.made.push(this.root);
  }

  /** Remove every archive made in a temporary directory (call from an `after` hook). */
  static removeAll(): void {
    for (const root of TestArchive.made.splice(0)) rmSync(root, { recursive: true, force: true });
  }

  /** Build (or rebuild, with fresh random bytes) a package into the pool. */
  add(spec: DebSpec): string {
    const arch = spec.architecture ?? 'amd64';
    const work = mkdtempSync(join(tmpdir(), 'apt-torrent-deb-'));
    mkdirSync(join(work, 'DEBIAN'));
    mkdirSync(join(work, 'usr/share', spec.name), { recursive: true });
    writeFileSync(join(work, 'usr/share', spec.name, 'payload'), randomBytes(spec.payload));
    writeFileSync(join(work, 'DEBIAN/control'), [
      `Package: ${spec.name}`, `Version: ${spec.version}`, `Architecture: ${arch}`,
      'Maintainer: apt-torrent tests <tests@example.org>', `Description: test package ${spec.name}`, '',
    ].join('\n'));
    const file = `pool/main/${spec.name[0]}/${spec.name}/${spec.name}_${spec.version}_${arch}.deb`;
    mkdirSync(join(this.root, file, '..'), { recursive: true });
    execFileSync('dpkg-deb', ['--build', '--root-owner-group', '-Znone', work, join(this.root, file)], { stdio: 'ignore' });
    rmSync(work, { recursive: true, force: true });
    this.pool.set(spec.name, file);
    return file;
  }

  remove(name: string): void {
    rmSync(join(this.root, this.pool.get(name)!));
    this.pool.delete(name);
  }

  /**
   * Write the indexes and Release, as an archive tool would after a pool
   * change. `formats` picks which Packages variants exist on disk.
   */
  index(formats: Array<'plain' | 'gz' | 'xz'> = ['plain', 'gz']): void {
    const dist = join(this.root, 'dists/stable');
    for (const arch of ['amd64', 'all']) {
      const dir = join(dist, `main/binary-${arch}`);
      // Only the indexes: dists/stable/apt-torrent (manifest, publish cache) stays, as with real archive tools.
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const archs = arch === 'all' ? ['all'] : [arch, 'all'];
      const packages = execFileSync('apt-ftparchive', ['packages', 'pool'], { cwd: this.root }).toString()
        .split(/\n\n+/).filter((stanza) => archs.some((a) => stanza.includes(`\nArchitecture: ${a}\n`))).join('\n\n');
      const text = packages === '' ? '' : `${packages}\n\n`;
      writeFileSync(join(dir, 'Packages'), text);
      if (formats.includes('gz')) execFileSync('gzip', ['-kn9', join(dir, 'Packages')]);
      if (formats.includes('xz')) execFileSync('xz', ['-k', join(dir, 'Packages')]);
      if (!formats.includes('plain')) rmSync(join(dir, 'Packages'));
    }
    this.release();
  }

  /** Only Release, e.g. after a test tampered with an index. */
  release(): void {
    const dist = join(this.root, 'dists/stable');
    const text = execFileSync('apt-ftparchive', [
      '-o', 'APT::FTPArchive::Release::Suite=stable',
      '-o', 'APT::FTPArchive::Release::Codename=stable',
      '-o', 'APT::FTPArchive::Release::Components=main',
      '-o', 'APT::FTPArchive::Release::Architectures=amd64 all',
      'release', dist,
    ]);
    writeFileSync(join(dist, 'Release'), text);
  }
}
