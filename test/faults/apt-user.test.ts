/**
 * On Debian, APT's `partial/` belongs to `_apt` (mode 0700), the user APT's
 * own methods run as, and apt-torrent runs as root. Whatever `_apt` plants
 * or swaps there must not give it root's pen: no write through a symlink,
 * no foreign bytes in the cache after a "verified", no cached file `_apt`
 * can still write. Here the test plays `_apt` (as root, on `_apt`'s files:
 * the effect of each step is what `_apt` itself could do in its directory).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startCli } from '../helpers/cli.js';
import { sha256 } from '../helpers/hash.js';
import type { Sandbox } from '../helpers/sandbox.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { poll } from '../helpers/wait.js';

const APT_UID = 42;
const isRoot = process.getuid?.() === 0;

describe('APT\'s _apt user owns partial/', { skip: isRoot ? false : 'needs root, as apt-torrent does' }, () => {
  let site: ServedArchive;
  let body: Buffer;

  before(async () => {
    site = await ServedArchive.start([{ name: 'big', version: '1.0', payload: 2_000_000 }]);
    body = site.archive.bytes('big');
  });
  after(() => site?.stop());

  /** A sandbox whose partial/ is _apt's, as on a real system. */
  const fresh = async () => {
    const box = await site.sandbox();
    chownSync(join(box.archives, 'partial'), APT_UID, 65534);
    return box;
  };
  /** The verified file is in the cache, root's, and no one else may write it. */
  const cachedVerified = (box: Sandbox) => {
    const path = join(box.archives, 'big_1.0_all.deb');
    const stats = lstatSync(path);
    assert.ok(stats.isFile(), 'a regular file, not a link');
    assert.equal(stats.uid, 0);
    assert.equal(stats.mode & 0o7777, 0o644);
    assert.equal(sha256(readFileSync(path)), sha256(body));
  };

  it('leaves nothing in partial/ after a complete run, so apt-get clean has nothing to warn about', async () => {
    const box = await fresh();
    const result = await runCli(['download', '--prefetch', 'big'], box.env);
    assert.equal(result.code, 0, result.stderr);
    cachedVerified(box);
    assert.deepEqual(readdirSync(join(box.archives, 'partial')), []);
    const clean = spawnSync('apt-get', ['clean'], { env: box.env, encoding: 'utf8' });
    assert.equal(clean.status, 0, clean.stderr);
    assert.equal(clean.stderr, '');
  });

  it('never writes through a symlink planted in partial/, at apt-torrent\'s directory or at the file\'s name', async () => {
    const box = await fresh();
    const victims = join(box.dir, 'root-only');
    mkdirSync(victims, { mode: 0o700 });
    writeFileSync(join(victims, 'big_1.0_all.deb'), 'root secret\n', { mode: 0o600 });
    writeFileSync(join(victims, 'shadow'), 'root secret\n', { mode: 0o600 });
    symlinkSync(victims, join(box.archives, 'partial/apt-torrent'));
    symlinkSync(join(victims, 'shadow'), join(box.archives, 'partial/big_1.0_all.deb'));
    const result = await runCli(['download', '--prefetch', 'big'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(join(victims, 'big_1.0_all.deb'), 'utf8'), 'root secret\n');
    assert.equal(readFileSync(join(victims, 'shadow'), 'utf8'), 'root secret\n');
    cachedVerified(box);
  });

  it('discards a partial directory _apt made in advance, with a partial in it, instead of resuming it', async () => {
    const box = await fresh();
    const planted = join(box.archives, 'partial/apt-torrent');
    mkdirSync(planted, { mode: 0o700 });
    writeFileSync(join(planted, 'big_1.0_all.deb'), body.subarray(0, 1_000_000));
    chownSync(join(planted, 'big_1.0_all.deb'), APT_UID, 65534);
    chownSync(planted, APT_UID, 65534);
    const before = site.mirror.requests.length;
    const result = await runCli(['download', '--prefetch', 'big'], box.env);
    assert.equal(result.code, 0, result.stderr);
    const asked = site.mirror.requests.slice(before).filter((request) => request.path.endsWith('big_1.0_all.deb'));
    assert.deepEqual(asked.map((request) => request.range), [undefined], 'the whole file, nothing of _apt\'s kept');
    cachedVerified(box);
    // _apt's directory was moved aside, not followed or emptied by root.
    const aside = readdirSync(join(box.archives, 'partial')).filter((name) => name.startsWith('apt-torrent.not-ours-'));
    assert.equal(aside.length, 1);
  });

  it('keeps writing and verifying its own file when partial/apt-torrent is swapped mid-download', async () => {
    const box = await fresh();
    const path = `/${site.archive.pool.get('big')}`;
    site.mirror.faults.set(path, { kind: 'slow', bytesPerSecond: 1_000_000 });
    try {
      const download = startCli(['download', '--prefetch', 'big'], box.env);
      const own = join(box.archives, 'partial/apt-torrent');
      const partial = join(own, 'big_1.0_all.deb');
      await poll(() => existsSync(partial) && statSync(partial).size > 300_000, 5000, 25);
      assert.ok(existsSync(partial), `the download started: ${download.stderr()}`);
      // _apt moves apt-torrent's directory away and puts its own, with a same-size lookalike, in its place.
      renameSync(own, join(box.archives, 'partial/moved'));
      mkdirSync(own);
      writeFileSync(partial, Buffer.alloc(body.length, 0x41));
      chownSync(partial, APT_UID, 65534);
      chownSync(own, APT_UID, 65534);
      const { code, stderr } = await download.done;
      assert.equal(code, 0, stderr);
      cachedVerified(box);
    } finally {
      site.mirror.faults.delete(path);
    }
  });
});
