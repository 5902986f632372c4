/**
 * Reading a suite's Packages indexes from an archive on disk, the way APT
 * trusts them: Release first, then each index checked against the size and
 * SHA256 that Release lists. Anything missing or inconsistent is an
 * E_ARCHIVE error naming the file and the fix; nothing is guessed.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type PackageEntry, parsePackages } from '../apt/packages.js';
import { AptTorrentError } from '../errors.js';
import { decompressIndex } from './decompress.js';
import { type PackagesIndex, packagesIndexes, parseRelease, type Release, type ReleaseFileEntry } from '../apt/release.js';

export interface SuiteIndexes {
  release: Release;
  /** Path of the Release file read, relative to the archive root. */
  releasePath: string;
  components: string[];
  /** Architectures read, `all` included when its index exists. */
  architectures: string[];
  /** Index files read, relative to the archive root. */
  read: string[];
  entries: PackageEntry[];
  /** Things worth a warning that do not stop publishing. */
  notes: string[];
}

export interface SuiteRequest {
  archiveRoot: string;
  suite: string;
  /** Empty: the Release's Components (or every component it lists an index for). */
  components: readonly string[];
  /** Empty: the Release's Architectures (or every one it lists an index for). `all` is always added. */
  architectures: readonly string[];
}

/** Plain first: no decompression. Then gzip (in-process), then xz (a child process). */
const PREFERENCE = ['', '.gz', '.xz'];
const REGENERATE = 'regenerate the indexes and Release (apt-ftparchive packages ...; apt-ftparchive release ...)';

/** Read and check every wanted Packages index of a suite. */
export async function readSuite(request: SuiteRequest): Promise<SuiteIndexes> {
  const dists = `dists/${request.suite}`;
  const { release, releasePath } = await readRelease(request.archiveRoot, dists);
  const available = packagesIndexes(release);
  if (available.length === 0) {
    throw new AptTorrentError('E_ARCHIVE', `${releasePath} lists no Packages index in its SHA256 field`, { hint: REGENERATE });
  }
  const components = request.components.length > 0 ? [...request.components]
    : release.components.length > 0 ? release.components
      : unique(available.map((index) => index.component).filter((name) => !name.includes('/')));
  const wantedArchs = request.architectures.length > 0 ? [...request.architectures]
    : release.architectures.length > 0 ? release.architectures
      : unique(available.map((index) => index.architecture));
  const architectures = unique([...wantedArchs.filter((arch) => arch !== 'all'), 'all']);

  const result: SuiteIndexes = { release, releasePath, components, architectures: [], read: [], entries: [], notes: [] };
  const archsRead = new Set<string>();
  for (const component of components) {
    for (const architecture of architectures) {
      const index = available.find((item) => item.component === component && item.architecture === architecture);
      // Debian lists binary-all only for some suites; its packages are in every arch's index too.
      const optional = architecture === 'all' && !request.architectures.includes('all');
      if (!index) {
        if (optional) continue;
        throw new AptTorrentError('E_ARCHIVE', `${releasePath} lists no Packages index for ${component}/binary-${architecture}`, {
          hint: `check --component and --arch against the archive, or ${REGENERATE}`,
        });
      }
      const found = await readIndex(request.archiveRoot, dists, index, optional);
      if (!found) {
        result.notes.push(`${dists}/${component}/binary-${architecture}/Packages is listed in Release but not on disk; skipped`);
        continue;
      }
      result.read.push(found.path);
      result.entries.push(...parsePackages(found.text));
      archsRead.add(architecture);
    }
  }
  result.architectures = architectures.filter((arch) => archsRead.has(arch));
  return result;
}

async function readRelease(root: string, dists: string): Promise<{ release: Release; releasePath: string }> {
  // Release first: it is what `apt-ftparchive release` writes and what an operator re-signs.
  for (const name of ['Release', 'InRelease']) {
    const releasePath = `${dists}/${name}`;
    const text = await readOptional(join(root, releasePath));
    if (text !== undefined) return { release: parseRelease(text.toString('utf8')), releasePath };
  }
  throw new AptTorrentError('E_ARCHIVE', `no ${dists}/Release or ${dists}/InRelease under ${root}`, {
    hint: `check --archive-root and --suite; an archive without Release is not usable by APT (apt-ftparchive release ${dists} > ${dists}/Release)`,
  });
}

/**
 * The first variant on disk whose bytes match Release. A variant on disk
 * that does not match is an error, not a reason to try the next one: it
 * means the archive is being updated or is damaged, and APT would refuse it too.
 */
async function readIndex(root: string, dists: string, index: PackagesIndex, optional: boolean): Promise<{ path: string; text: string } | undefined> {
  const variants = [...index.variants].sort((a, b) => rank(a) - rank(b));
  for (const variant of variants) {
    const path = `${dists}/${variant.path}`;
    const bytes = await readOptional(join(root, path));
    if (bytes === undefined) continue;
    checkAgainstRelease(path, bytes, variant);
    return { path, text: await decompressIndex(path, bytes) };
  }
  if (optional) return undefined;
  throw new AptTorrentError('E_ARCHIVE', `Release lists ${index.variants.map((v) => `${dists}/${v.path}`).join(', ')} but none of them exists`, {
    hint: REGENERATE,
  });
}

function checkAgainstRelease(path: string, bytes: Buffer, expected: ReleaseFileEntry): void {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== expected.size || sha256 !== expected.sha256) {
    throw new AptTorrentError('E_ARCHIVE', `${path} does not match Release (size ${bytes.length}, expected ${expected.size}; SHA256 ${sha256.slice(0, 16)}..., expected ${expected.sha256.slice(0, 16)}...)`, {
      hint: `the index changed after Release was written: ${REGENERATE}`,
    });
  }
}

function rank(entry: ReleaseFileEntry): number {
  const suffix = /\.(gz|xz)$/.exec(entry.path)?.[0] ?? '';
  return PREFERENCE.indexOf(suffix);
}

async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AptTorrentError('E_ARCHIVE', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
