import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeTempDir, tempDir } from './temp.js';

export interface TestPackage {
  name: string;
  version: string;
  /** Bytes of incompressible payload; the .deb is a little larger. */
  payload: number;
  depends?: string;
  /** The archive layout's architecture unless given. */
  architecture?: string;
}

/** How an archive lays out its packages and indexes. */
export interface Layout {
  /** Of the packages that name none. */
  architecture: string;
  /** Which Packages variants index() writes. */
  formats: ReadonlyArray<'plain' | 'gz' | 'xz'>;
  /**
   * Each package in its own architecture's index, the `all` ones in both (as
   * Debian's archive tools do); otherwise every package in binary-amd64 and
   * an empty binary-all.
   */
  byArchitecture: boolean;
}

/** apt-ftparchive options that list `dists/SUITE/apt-torrent/manifest.json` in Release too. */
export const MANIFEST_IN_RELEASE = ['-o', 'APT::FTPArchive::Release::Patterns::=manifest.json'];

/** For a sandboxed APT: `all` packages, plain Packages in binary-amd64 only. */
export const APT_LAYOUT: Layout = { architecture: 'all', formats: ['plain'], byArchitecture: false };
/** For the publisher and server: amd64 packages, an index per architecture, Packages and Packages.gz. */
export const MIRROR_LAYOUT: Layout = { architecture: 'amd64', formats: ['plain', 'gz'], byArchitecture: true };

export interface IndexOptions {
  /** Overrides the layout's. */
  formats?: ReadonlyArray<'plain' | 'gz' | 'xz'>;
  /** apt-ftparchive options for Packages, e.g. `-o APT::FTPArchive::SHA256=false`. */
  ftparchive?: readonly string[];
  /** apt-ftparchive options for Release. */
  release?: readonly string[];
}

/**
 * A real archive on disk: dpkg-deb builds the .debs (no maintainer
 * scripts, so `dpkg --root` needs no chroot), apt-ftparchive writes Packages
 * and Release for suite `stable`, component `main`, architectures amd64 and
 * all. Made in a temporary directory unless given a root.
 */
export class TestArchive {
  readonly root: string;
  /** Pool path of each package's .deb, by package name. */
  readonly pool = new Map<string, string>();
  private readonly temporary: boolean;

  constructor(readonly layout: Layout = APT_LAYOUT, root?: string) {
    this.temporary = root === undefined;
    this.root = root ?? tempDir('archive');
  }

  /** Build (or rebuild, with fresh random bytes) a package into the pool; its pool path. */
  add(pkg: TestPackage): string {
    const arch = pkg.architecture ?? this.layout.architecture;
    const work = tempDir('deb');
    mkdirSync(join(work, 'DEBIAN'));
    mkdirSync(join(work, 'usr/share', pkg.name), { recursive: true });
    writeFileSync(join(work, 'usr/share', pkg.name, 'payload'), randomBytes(pkg.payload));
    writeFileSync(join(work, 'DEBIAN/control'), [
      `Package: ${pkg.name}`,
      `Version: ${pkg.version}`,
      `Architecture: ${arch}`,
      'Maintainer: apt-torrent tests <tests@example.org>',
      ...(pkg.depends ? [`Depends: ${pkg.depends}`] : []),
      `Description: test package ${pkg.name}`,
      '',
    ].join('\n'));
    const file = `pool/main/${pkg.name[0]}/${pkg.name}/${pkg.name}_${pkg.version.replace(/^\d+:/, '')}_${arch}.deb`;
    mkdirSync(join(this.root, file, '..'), { recursive: true });
    execFileSync('dpkg-deb', ['--build', '--root-owner-group', '-Znone', work, join(this.root, file)], { stdio: 'ignore' });
    removeTempDir(work);
    this.pool.set(pkg.name, file);
    return file;
  }

  remove(name: string): void {
    rmSync(this.path(name));
    this.pool.delete(name);
  }

  /** Where a package's .deb is. */
  path(name: string): string {
    return join(this.root, this.pool.get(name)!);
  }

  /** A package's .deb as the pool holds it. */
  bytes(name: string): Buffer {
    return readFileSync(this.path(name));
  }

  /** (Re)write the Packages indexes and Release, as an archive tool does after a pool change. */
  index(options: IndexOptions = {}): void {
    const formats = options.formats ?? this.layout.formats;
    const all = execFileSync('apt-ftparchive', [...(options.ftparchive ?? []), 'packages', 'pool'], { cwd: this.root }).toString();
    for (const arch of ['amd64', 'all']) {
      const dir = join(this.root, 'dists/stable/main', `binary-${arch}`);
      // Only the indexes: dists/stable/apt-torrent (manifest, publish cache) stays, as with real archive tools.
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'Packages'), this.layout.byArchitecture ? onlyFor(all, arch) : arch === 'amd64' ? all : '');
      if (formats.includes('gz')) execFileSync('gzip', ['-kn9', join(dir, 'Packages')]);
      if (formats.includes('xz')) execFileSync('xz', ['-k', join(dir, 'Packages')]);
      if (!formats.includes('plain')) rmSync(join(dir, 'Packages'));
    }
    this.release(options.release);
  }

  /**
   * Release again, listing the manifest `apt-torrent publish` wrote, as the
   * README tells mirror operators: clients then trust the manifest (and its
   * trackers). Call it after publish, before the sandboxes' apt-get update.
   */
  releaseWithManifest(): void {
    this.release(MANIFEST_IN_RELEASE);
  }

  /** Only Release, e.g. after a test tampered with an index. */
  release(options: readonly string[] = []): void {
    const dist = join(this.root, 'dists/stable');
    const text = execFileSync('apt-ftparchive', [
      ...options,
      '-o', 'APT::FTPArchive::Release::Suite=stable',
      '-o', 'APT::FTPArchive::Release::Codename=stable',
      '-o', 'APT::FTPArchive::Release::Components=main',
      '-o', 'APT::FTPArchive::Release::Architectures=amd64 all',
      'release', dist,
    ]);
    writeFileSync(join(dist, 'Release'), text);
  }

  /** Remove it now, when it was made in a temporary directory (else it goes when the process exits). */
  dispose(): void {
    if (this.temporary) removeTempDir(this.root);
  }
}

/** The stanzas of `packages` an index of `arch` lists: its own and the `all` ones (only the `all` ones for binary-all). */
function onlyFor(packages: string, arch: string): string {
  const archs = arch === 'all' ? ['all'] : [arch, 'all'];
  const kept = packages.split(/\n\n+/).filter((stanza) => archs.some((a) => stanza.includes(`\nArchitecture: ${a}\n`))).join('\n\n');
  return kept === '' ? '' : `${kept}\n\n`;
}

/** An archive of `packages`, indexed. */
export function buildArchive(packages: readonly TestPackage[], options: { layout?: Layout; ftparchive?: readonly string[] } = {}): TestArchive {
  const archive = new TestArchive(options.layout);
  for (const pkg of packages) archive.add(pkg);
  archive.index({ ftparchive: options.ftparchive });
  return archive;
}
