import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPackage {
  name: string;
  version: string;
  /** Bytes of incompressible payload; the .deb is a little larger. */
  payload: number;
  depends?: string;
}

export interface TestRepo {
  root: string;
  /** Pool path of each package's .deb, by package name. */
  pool: Map<string, string>;
}

/**
 * A real APT repository of real .deb files: dpkg-deb builds them (no
 * maintainer scripts, so `dpkg --root` needs no chroot), apt-ftparchive
 * indexes them for suite `stable`, component `main`.
 */
export function buildRepo(packages: readonly TestPackage[], options: { root?: string; ftparchive?: string[] } = {}): TestRepo {
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'apt-torrent-repo-'));
  const work = mkdtempSync(join(tmpdir(), 'apt-torrent-build-'));
  const pool = new Map<string, string>();
  for (const pkg of packages) {
    const dir = join(work, `${pkg.name}-${pkg.version}`);
    mkdirSync(join(dir, 'DEBIAN'), { recursive: true });
    mkdirSync(join(dir, 'usr/share', pkg.name), { recursive: true });
    writeFileSync(join(dir, 'usr/share', pkg.name, 'payload'), randomBytes(pkg.payload));
    const control = [
      `Package: ${pkg.name}`,
      `Version: ${pkg.version}`,
      'Architecture: all',
      'Maintainer: apt-torrent tests <tests@example.org>',
      ...(pkg.depends ? [`Depends: ${pkg.depends}`] : []),
      `Description: test package ${pkg.name}`,
      '',
    ].join('\n');
    writeFileSync(join(dir, 'DEBIAN/control'), control);
    const letter = pkg.name[0]!;
    const poolDir = join('pool/main', letter, pkg.name);
    mkdirSync(join(root, poolDir), { recursive: true });
    const file = join(poolDir, `${pkg.name}_${pkg.version.replace(/^\d+:/, '')}_all.deb`);
    execFileSync('dpkg-deb', ['--build', '--root-owner-group', '-Znone', dir, join(root, file)], { stdio: 'ignore' });
    pool.set(pkg.name, file);
  }
  indexRepo(root, options.ftparchive);
  execFileSync('rm', ['-rf', work]);
  return { root, pool };
}

/** (Re)write Packages and Release for `stable/main`, as a mirror's archive tools do. */
export function indexRepo(root: string, ftparchive: string[] = [], releaseOptions: string[] = []): void {
  const dist = join(root, 'dists/stable');
  mkdirSync(join(dist, 'main/binary-all'), { recursive: true });
  mkdirSync(join(dist, 'main/binary-amd64'), { recursive: true });
  const packages = execFileSync('apt-ftparchive', [...ftparchive, 'packages', 'pool'], { cwd: root });
  writeFileSync(join(dist, 'main/binary-amd64/Packages'), packages);
  writeFileSync(join(dist, 'main/binary-all/Packages'), '');
  const release = execFileSync('apt-ftparchive', [
    ...releaseOptions,
    '-o', 'APT::FTPArchive::Release::Suite=stable',
    '-o', 'APT::FTPArchive::Release::Codename=stable',
    '-o', 'APT::FTPArchive::Release::Components=main',
    '-o', 'APT::FTPArchive::Release::Architectures=amd64 all',
    'release', dist,
  ]);
  writeFileSync(join(dist, 'Release'), release);
}

export function readPool(repo: TestRepo, name: string): Buffer {
  return readFileSync(join(repo.root, repo.pool.get(name)!));
}
