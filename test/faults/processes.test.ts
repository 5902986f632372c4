/**
 * apt-torrent killed outright (kill -9) in the middle of a download: the
 * next run completes, fetches only what is missing, and no partial or
 * unverified file is ever in APT's archive cache. (Ctrl-C, the polite
 * version, is tested in test/e2e/refusals.test.ts.)
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, runCli } from '../helpers/cli.js';
import { TestMirror } from '../helpers/mirror.js';
import { buildRepo, readPool, type TestRepo } from '../helpers/repo.js';
import { aptUpdate, cached, createSandbox, installed, removeSandbox } from '../helpers/sandbox.js';
import { CacheWatch } from './helpers/cache-watch.js';

describe('kill -9 in the middle of apt-torrent install', () => {
  let repo: TestRepo;
  let mirror: TestMirror;
  before(async () => {
    repo = buildRepo([{ name: 'big', version: '1.0', payload: 2_000_000 }, { name: 'small', version: '1.0', payload: 30_000 }]);
    mirror = new TestMirror(repo.root);
    await mirror.start();
  });
  after(async () => {
    await mirror.stop();
    rmSync(repo.root, { recursive: true, force: true });
  });

  it('the re-run completes with one Range request for the rest; the cache never holds an unverified file', async () => {
    const box = createSandbox(mirror.url);
    const watch = new CacheWatch(box.archives, new Map([['big_1.0_all.deb', readPool(repo, 'big')], ['small_1.0_all.deb', readPool(repo, 'small')]]));
    try {
      await aptUpdate(box);
      const bigPath = `/${repo.pool.get('big')}`;
      mirror.faults.set(bigPath, { kind: 'slow', bytesPerSecond: 300_000 });
      const child = spawn(process.execPath, [CLI, 'install', '-y', 'big', 'small'], { env: box.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('close', (_code, signal) => resolve(signal === 'SIGKILL' ? -9 : _code)));
      const partial = join(box.archives, 'partial/apt-torrent/big_1.0_all.deb');
      for (let waited = 0; waited < 200 && !(existsSync(partial) && statSync(partial).size > 400_000); waited += 1) {
        await sleep(25);
      }
      assert.ok(existsSync(partial), `the download started: ${stderr}`);
      child.kill('SIGKILL');
      assert.equal(await exited, -9);
      mirror.faults.delete(bigPath);

      // What kill -9 leaves: a partial outside the cache, a lock whose owner is gone, nothing half-written in the cache.
      assert.equal(cached(box, 'big_1.0_all.deb'), false);
      assert.ok(existsSync(join(box.archives, 'apt-torrent.lock')), 'the lock file stays behind');
      const kept = statSync(partial).size;
      assert.ok(kept > 0 && kept < readPool(repo, 'big').length, `kept ${kept}`);
      const smallCached = cached(box, 'small_1.0_all.deb');

      const mark = mirror.requests.length;
      const again = await runCli(['install', '-y', 'big', 'small'], box.env, { timeoutMs: 60_000 });
      assert.equal(again.code, 0, again.stderr);
      const requests = mirror.requests.slice(mark).filter((request) => request.path.endsWith('.deb'));
      assert.deepEqual(requests.filter((request) => request.path === bigPath).map((request) => request.range), [`bytes=${kept}-`], 'only the rest of big');
      assert.equal(requests.filter((request) => request.path.endsWith('small_1.0_all.deb')).length, smallCached ? 0 : 1);
      assert.equal(installed(box).get('big'), '1.0');
      assert.equal(installed(box).get('small'), '1.0');
      assert.equal(existsSync(join(box.archives, 'apt-torrent.lock')), false, 'the stale lock was taken over and released');
      assert.deepEqual(watch.stop(), []);
      assert.deepEqual(readFileSync(join(box.archives, 'big_1.0_all.deb')), readPool(repo, 'big'));
    } finally {
      watch.stop();
      removeSandbox(box);
    }
  });
});
