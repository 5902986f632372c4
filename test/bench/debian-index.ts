import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LISTS = '/var/lib/apt/lists';

/** The machine's own bookworm main amd64 Packages index, as text (undefined without one). */
export function debianIndex(): string | undefined {
  const name = readdirSync(LISTS).find((file) => /_dists_bookworm_main_binary-amd64_Packages(\.\w+)?$/.test(file));
  if (!name) return undefined;
  return execFileSync('/usr/lib/apt/apt-helper', ['cat-file', join(LISTS, name)], { maxBuffer: 512 * 1024 * 1024 }).toString();
}

/**
 * Serve `index` as the suite `big` of the archive at `root` (its files are
 * never fetched: it is there so APT's cache load costs what it costs on a
 * real system). Returns the number of packages in it.
 */
export function addDebianSuite(root: string, index: string): number {
  const dist = join(root, 'dists/big');
  mkdirSync(join(dist, 'main/binary-amd64'), { recursive: true });
  writeFileSync(join(dist, 'main/binary-amd64/Packages'), index);
  writeFileSync(join(dist, 'Release'), execFileSync('apt-ftparchive', [
    '-o', 'APT::FTPArchive::Release::Suite=big', '-o', 'APT::FTPArchive::Release::Codename=big',
    '-o', 'APT::FTPArchive::Release::Components=main', '-o', 'APT::FTPArchive::Release::Architectures=amd64',
    'release', dist,
  ]));
  return index.split('\n\n').filter((stanza) => stanza.includes('Package: ')).length;
}
