import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestArchive } from '../helpers/archive.js';
import { runCli } from '../helpers/cli.js';
import { sha256 } from '../helpers/hash.js';
import type { TestMirror } from '../helpers/mirror.js';
import { cached, installed } from '../helpers/sandbox.js';
import { ServedArchive } from '../helpers/served-archive.js';

/**
 * install and download into a sandboxed APT over plain HTTP (no manifest):
 * a plain apt-get run by default (the method could only redirect every file
 * to APT's own http method, so the source is not switched), and with
 * --prefetch, apt-torrent's own HTTP client (verification, retries,
 * resuming), which the tests marked so exercise.
 */
describe('install over HTTP into a sandboxed APT', () => {
  let site: ServedArchive;
  let repo: TestArchive;
  let mirror: TestMirror;
  const sandbox = () => site.sandbox();
  const debName = (name: string) => repo.pool.get(name)!.split('/').pop()!;

  before(async () => {
    site = await ServedArchive.start([
      { name: 'alpha', version: '1.0-1', payload: 300_000, depends: 'beta' },
      { name: 'beta', version: '2.1-3', payload: 200_000 },
      { name: 'gamma', version: '1.0', payload: 1_500_000 },
      { name: 'delta', version: '2:0.9-1', payload: 80_000 },
      { name: 'libx++1', version: '1.0-1', payload: 40_000 },
    ]);
    ({ archive: repo, mirror } = site);
  });

  after(() => site?.stop());

  it('installs a package with its dependency; dpkg really has both', async () => {
    const box = await sandbox();
    const result = await runCli(['install', '-y', 'alpha'], box.env);
    assert.equal(result.code, 0, result.stderr);
    const now = installed(box);
    assert.equal(now.get('alpha'), '1.0-1');
    assert.equal(now.get('beta'), '2.1-3');
    assert.equal(readFileSync(join(box.root, 'usr/share/alpha/payload')).length, 300_000);
    assert.match(result.stdout, /Get:\d+ http:\/\/127\.0\.0\.1:\d+ stable\/main [a-z0-9]+ alpha all 1\.0-1/, 'APT\'s own progress, by its own http method');
    // No method in the run: APT's own "Fetched" line, and none of apt-torrent's.
    assert.doesNotMatch(result.stderr, /from peers/);
    assert.equal(existsSync(join(box.dir, 'cache/apt-torrent-partial')), false, 'the method never started');
  });

  it('installs several packages at once, including an epoch and a "+" in the name', async () => {
    const box = await sandbox();
    const result = await runCli(['install', '-y', 'gamma', 'delta', 'libx++1'], box.env);
    assert.equal(result.code, 0, result.stderr);
    const now = installed(box);
    assert.equal(now.get('gamma'), '1.0');
    assert.equal(now.get('delta'), '2:0.9-1');
    assert.equal(now.get('libx++1'), '1.0-1');
  });

  it('download only: verified files in the archive cache under APT\'s names, nothing installed', async () => {
    const box = await sandbox();
    const result = await runCli(['download', 'delta', 'alpha'], box.env);
    assert.equal(result.code, 0, result.stderr);
    const files = readdirSync(box.archives).filter((name) => name.endsWith('.deb')).sort();
    assert.deepEqual(files, ['alpha_1.0-1_all.deb', 'beta_2.1-3_all.deb', 'delta_2%3a0.9-1_all.deb']);
    assert.equal(sha256(readFileSync(join(box.archives, 'delta_2%3a0.9-1_all.deb'))), sha256(repo.bytes('delta')));
    assert.equal(installed(box).size, 0);
    // APT now finds everything in its cache.
    const again = await runCli(['plan', 'alpha', 'delta'], box.env);
    assert.match(again.stdout, /Nothing to fetch/);
  });

  it('plan --json names every file with its size, SHA256 and route', async () => {
    const box = await sandbox();
    const result = await runCli(['plan', '--json', 'alpha'], box.env);
    assert.equal(result.code, 0, result.stderr);
    const plan = JSON.parse(result.stdout);
    const names = plan.files.map((file: { filename: string }) => file.filename).sort();
    assert.deepEqual(names, ['alpha_1.0-1_all.deb', 'beta_2.1-3_all.deb']);
    const alpha = plan.files.find((file: { package: string }) => file.package === 'alpha');
    assert.equal(alpha.sha256, sha256(repo.bytes('alpha')));
    assert.equal(alpha.size, repo.bytes('alpha').length);
    assert.equal(alpha.route, 'http');
    assert.equal(plan.totalBytes, repo.bytes('alpha').length + repo.bytes('beta').length);
    assert.equal(installed(box).size, 0);
  });

  it('--prefetch refuses a same-size tampered .deb: non-zero exit, named file, nothing cached or installed', async () => {
    const box = await sandbox();
    const path = `/${repo.pool.get('beta')}`;
    mirror.faults.set(path, { kind: 'tamper' });
    try {
      const result = await runCli(['install', '--prefetch', '-y', 'beta'], box.env);
      assert.equal(result.code, 5, result.stderr);
      assert.match(result.stderr, /E_VERIFY/);
      assert.match(result.stderr, /beta_2\.1-3_all\.deb: SHA256 mismatch/);
      assert.match(result.stderr, new RegExp(`expected: ${sha256(repo.bytes('beta'))}`));
      assert.ok(result.stderr.includes(`${mirror.url}${repo.pool.get('beta')}`), 'names the URL');
      assert.equal(cached(box, debName('beta')), false);
      assert.equal(cached(box, join('partial/apt-torrent', debName('beta'))), false);
      assert.equal(installed(box).has('beta'), false);
    } finally {
      mirror.faults.delete(path);
    }
  });

  it('--prefetch retries after HTTP 500 and completes', async () => {
    const box = await sandbox();
    const path = `/${repo.pool.get('delta')}`;
    mirror.faults.set(path, { kind: 'status', status: 500, times: 2 });
    const result = await runCli(['download', '--prefetch', 'delta'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(mirror.requests.filter((request) => request.path === path && request.status === 500).length, 2);
    assert.equal(cached(box, 'delta_2%3a0.9-1_all.deb'), true);
  });

  it('--prefetch gives up clearly on a 404 without retrying forever', async () => {
    const box = await sandbox();
    const path = `/${repo.pool.get('delta')}`;
    mirror.faults.set(path, { kind: 'status', status: 404, times: 100 });
    try {
      const result = await runCli(['download', '--prefetch', 'delta'], box.env);
      assert.equal(result.code, 4, result.stderr);
      assert.match(result.stderr, /E_DOWNLOAD.*HTTP 404/s);
      assert.match(result.stderr, /apt-get update/);
      assert.equal(mirror.requests.filter((request) => request.path === path && request.status === 404).length, 1);
    } finally {
      mirror.faults.delete(path);
    }
  });

  it('--prefetch resumes a connection cut mid-file with Range, fetching only the rest', async () => {
    const box = await sandbox();
    const path = `/${repo.pool.get('gamma')}`;
    const size = repo.bytes('gamma').length;
    mirror.faults.set(path, { kind: 'cut', after: 600_000, times: 1 });
    const before = mirror.requests.length;
    const result = await runCli(['download', '--prefetch', 'gamma'], box.env);
    assert.equal(result.code, 0, result.stderr);
    const mine = mirror.requests.slice(before).filter((request) => request.path === path);
    assert.equal(mine.length, 2);
    assert.equal(mine[0]!.bytes, 600_000);
    assert.equal(mine[1]!.range, 'bytes=600000-');
    assert.equal(mine[1]!.status, 206);
    assert.equal(mine[0]!.bytes + mine[1]!.bytes, size, 'no byte fetched twice');
    assert.equal(sha256(readFileSync(join(box.archives, debName('gamma')))), sha256(repo.bytes('gamma')));
  });

  it('--prefetch retries a truncated response (full Content-Length, half the body)', async () => {
    const box = await sandbox();
    const path = `/${repo.pool.get('alpha')}`;
    mirror.faults.set(path, { kind: 'truncate', times: 1 });
    const result = await runCli(['download', '--prefetch', 'alpha'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(sha256(readFileSync(join(box.archives, debName('alpha')))), sha256(repo.bytes('alpha')));
  });
});
