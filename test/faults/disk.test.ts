/**
 * APT's archive cache on a small tmpfs that fills up, and on one that is
 * read-only (Dir::Cache::archives pointed at it with -o, as a user would).
 * Needs root (mount), as the rest of the suite does.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HashingFileWriter } from '../../src/fetch/hashing-writer.js';
import type { TestArchive } from '../helpers/archive.js';
import { runCli } from '../helpers/cli.js';
import { sha256 } from '../helpers/hash.js';
import type { TestMirror } from '../helpers/mirror.js';
import type { Sandbox } from '../helpers/sandbox.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

const mount = (dir: string, options: string) => execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
const remount = (dir: string, options: string) => execFileSync('mount', ['-o', `remount,${options}`, dir]);
/** Unmount if mounted, and remove the mount point. */
const unmountAndRemove = (dir: string) => {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  } catch {
    // not mounted
  }
  removeTempDir(dir);
};

describe('a full or read-only archive cache', { skip: process.getuid?.() !== 0 && 'mounting a tmpfs needs root' }, () => {
  let site: ServedArchive;
  let repo: TestArchive;
  let mirror: TestMirror;
  let box: Sandbox;
  const mounts: string[] = [];
  before(async () => {
    site = await ServedArchive.start([{ name: 'big', version: '1.0', payload: 3_000_000 }, { name: 'small', version: '1.0', payload: 20_000 }]);
    ({ archive: repo, mirror } = site);
    box = await site.sandbox();
  });
  after(async () => {
    for (const dir of mounts) unmountAndRemove(dir);
    await site?.stop();
  });
  const tmpfs = (options: string) => {
    const dir = tempDir('tmpfs');
    mount(dir, options);
    mounts.push(dir);
    mkdirSync(join(dir, 'partial'));
    return dir;
  };

  it('ENOSPC: E_DISK_FULL names the directory and the space needed; nothing corrupt is left; with room, the next run resumes', async () => {
    const cache = tmpfs('size=2m');
    const big = repo.bytes('big');
    const result = await runCli(['-o', `Dir::Cache::archives=${cache}/`, 'download', '--prefetch', 'big', 'small'], box.env);
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stderr, /error \[E_DISK_FULL\]/);
    assert.match(result.stderr, new RegExp(`no space left in ${cache}/partial/apt-torrent/ .*big_1\\.0_all\\.deb`));
    assert.match(result.stderr, /hint: free some space there/);
    // Nothing in the cache but verified files (small fits), and no lock left behind.
    for (const name of readdirSync(cache).filter((entry) => entry.endsWith('.deb'))) {
      assert.equal(name, 'small_1.0_all.deb');
      assert.deepEqual(readFileSync(join(cache, name)), repo.bytes('small'));
    }
    assert.equal(existsSync(join(cache, 'apt-torrent.lock')), false);
    const kept = statSync(join(cache, 'partial/apt-torrent/big_1.0_all.deb')).size;
    assert.ok(kept > 0 && kept < big.length);
    assert.match(result.stderr, new RegExp(`big_1\\.0_all\\.deb \\(${big.length - kept} more bytes needed, ${big.length} in all\\)`), 'the space still needed');

    remount(cache, 'size=8m');
    const mark = mirror.requests.length;
    const again = await runCli(['-o', `Dir::Cache::archives=${cache}/`, 'download', '--prefetch', 'big', 'small'], box.env);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(mirror.requests.slice(mark).filter((request) => request.path.endsWith('big_1.0_all.deb')).map((request) => request.range), [`bytes=${kept}-`]);
    assert.deepEqual(readFileSync(join(cache, 'big_1.0_all.deb')), big);
  });

  it('a read-only archive cache: a clear error before any download', async () => {
    const cache = tmpfs('size=8m');
    remount(cache, 'ro');
    const mark = mirror.requests.length;
    const result = await runCli(['-o', `Dir::Cache::archives=${cache}/`, 'download', '--prefetch', 'small'], box.env);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, new RegExp(`${cache}.*read-only`));
    assert.match(result.stderr, /hint: .*remount it read-write/);
    assert.doesNotMatch(result.stderr, /internal error|sudo/);
    assert.equal(mirror.requests.slice(mark).filter((request) => request.path.endsWith('.deb')).length, 0);
  });
});

describe('a full disk under a BitTorrent download', { skip: process.getuid?.() !== 0 && 'mounting a tmpfs needs root' }, () => {
  it('E_DISK_FULL at once, naming the torrent\'s partial directory: no waiting on peers that could not be written either', async () => {
    const site = await ServedArchive.start([{ name: 'bigtorrent', version: '1.0', payload: 3_000_000 }]);
    const { archive: repo, mirror } = site;
    const cache = tempDir('tmpfs');
    try {
      const published = await runCli(['publish', '--archive-root', repo.root, '--suite', 'stable', '--base-url', mirror.url, '--min-size', '1MiB', '--share', '1']);
      assert.equal(published.code, 0, published.stderr);
      repo.releaseWithManifest();
      const box = await site.sandbox();
      mount(cache, 'size=2m');
      mkdirSync(join(cache, 'partial'));
      const plan = await runCli(['plan', '--json', 'bigtorrent'], box.env);
      assert.equal(JSON.parse(plan.stdout).files[0].route, 'torrent');
      const started = Date.now();
      const result = await runCli(['-o', `Dir::Cache::archives=${cache}/`, 'download', '--prefetch', 'bigtorrent'], box.env, { timeoutMs: 60_000 });
      assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms (torrent.peerWaitSeconds is 120)`);
      assert.equal(result.code, 4, result.stderr);
      assert.match(result.stderr, new RegExp(`error \\[E_DISK_FULL\\]: no space left in ${cache}/partial/apt-torrent/[0-9a-f]{40}/ while writing bigtorrent_1\\.0_all\\.deb \\(\\d+ more bytes needed, ${repo.bytes('bigtorrent').length} in all\\)`));
      assert.deepEqual(readdirSync(cache).filter((name) => name.endsWith('.deb')), []);
    } finally {
      unmountAndRemove(cache);
      await site.stop();
    }
  });
});

describe('a write that lands only in part', () => {
  it('HashingFileWriter hashes and counts only the bytes the file took, and writes the rest', async () => {
    // write(2) on a file system that is filling up takes part of a chunk without an error.
    const landed: Buffer[] = [];
    const file = {
      write: async (buffer: Buffer, offset = 0, length = buffer.length - offset) => {
        const taken = Math.min(length, 1000);
        landed.push(Buffer.from(buffer.subarray(offset, offset + taken)));
        return { bytesWritten: taken, buffer };
      },
    } as unknown as FileHandle;
    const hash = createHash('sha256');
    const writer = new HashingFileWriter(file, hash, 10_000, () => {});
    const data = Buffer.alloc(4500, 9);
    await new Promise<void>((resolve, reject) => writer.end(data, () => resolve()).on('error', reject));
    assert.deepEqual(Buffer.concat(landed), data, 'every byte reached the file, once');
    assert.equal(writer.written, data.length);
    assert.equal(hash.digest('hex'), sha256(data));
  });
});
