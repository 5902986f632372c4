/**
 * apt-torrent killed outright (kill -9) in the middle of a download: the
 * next run completes, fetches only what is missing, and no partial or
 * unverified file is ever in APT's archive cache. (Ctrl-C, the polite
 * version, is tested in test/e2e/refusals.test.ts.)
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestArchive } from '../helpers/archive.js';
import { runCli, startCli } from '../helpers/cli.js';
import type { TestMirror } from '../helpers/mirror.js';
import { cached, installed } from '../helpers/sandbox.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { poll } from '../helpers/wait.js';
import { CacheWatch } from './helpers/cache-watch.js';

describe('kill -9 in the middle of apt-torrent install', () => {
  let site: ServedArchive;
  let repo: TestArchive;
  let mirror: TestMirror;
  before(async () => {
    site = await ServedArchive.start([{ name: 'big', version: '1.0', payload: 2_000_000 }, { name: 'small', version: '1.0', payload: 30_000 }]);
    ({ archive: repo, mirror } = site);
  });
  after(() => site?.stop());

  it('the re-run completes with one Range request for the rest; the cache never holds an unverified file', async () => {
    const box = await site.sandbox();
    const watch = new CacheWatch(box.archives, new Map([['big_1.0_all.deb', repo.bytes('big')], ['small_1.0_all.deb', repo.bytes('small')]]));
    try {
      const bigPath = `/${repo.pool.get('big')}`;
      mirror.faults.set(bigPath, { kind: 'slow', bytesPerSecond: 300_000 });
      const install = startCli(['install', '--prefetch', '-y', 'big', 'small'], box.env);
      const partial = join(box.archives, 'partial/apt-torrent/big_1.0_all.deb');
      await poll(() => existsSync(partial) && statSync(partial).size > 400_000, 5000, 25);
      assert.ok(existsSync(partial), `the download started: ${install.stderr()}`);
      install.child.kill('SIGKILL');
      assert.equal((await install.done).signal, 'SIGKILL');
      mirror.faults.delete(bigPath);

      // What kill -9 leaves: a partial outside the cache, a lock whose owner is gone, nothing half-written in the cache.
      assert.equal(cached(box, 'big_1.0_all.deb'), false);
      assert.ok(existsSync(join(box.archives, 'apt-torrent.lock')), 'the lock file stays behind');
      const kept = statSync(partial).size;
      assert.ok(kept > 0 && kept < repo.bytes('big').length, `kept ${kept}`);
      const smallCached = cached(box, 'small_1.0_all.deb');

      const mark = mirror.requests.length;
      const again = await runCli(['install', '--prefetch', '-y', 'big', 'small'], box.env, { timeoutMs: 60_000 });
      assert.equal(again.code, 0, again.stderr);
      const requests = mirror.requests.slice(mark).filter((request) => request.path.endsWith('.deb'));
      assert.deepEqual(requests.filter((request) => request.path === bigPath).map((request) => request.range), [`bytes=${kept}-`], 'only the rest of big');
      assert.equal(requests.filter((request) => request.path.endsWith('small_1.0_all.deb')).length, smallCached ? 0 : 1);
      assert.equal(installed(box).get('big'), '1.0');
      assert.equal(installed(box).get('small'), '1.0');
      assert.equal(existsSync(join(box.archives, 'apt-torrent.lock')), false, 'the stale lock was taken over and released');
      assert.deepEqual(watch.stop(), []);
      assert.deepEqual(readFileSync(join(box.archives, 'big_1.0_all.deb')), repo.bytes('big'));
    } finally {
      watch.stop();
    }
  });
});
