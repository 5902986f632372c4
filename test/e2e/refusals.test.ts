import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestArchive } from '../helpers/archive.js';
import { runCli, startCli } from '../helpers/cli.js';
import { sha256 } from '../helpers/hash.js';
import type { TestMirror } from '../helpers/mirror.js';
import { cached, installed } from '../helpers/sandbox.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { poll } from '../helpers/wait.js';

describe('refusals, locks and interruptions', () => {
  let site: ServedArchive;
  let noSha: ServedArchive;
  let repo: TestArchive;
  let mirror: TestMirror;

  before(async () => {
    site = await ServedArchive.start([{ name: 'big', version: '1.0', payload: 2_000_000 }, { name: 'small', version: '1.0', payload: 30_000 }]);
    ({ archive: repo, mirror } = site);
    // An index with MD5 and SHA512 but no SHA256: APT would take it, apt-torrent must not.
    noSha = await ServedArchive.start([{ name: 'nosha', version: '1.0', payload: 10_000 }], { ftparchive: ['-o', 'APT::FTPArchive::SHA256=false'] });
  });

  after(async () => {
    await site?.stop();
    await noSha?.stop();
  });

  const fresh = () => site.sandbox();

  it('--prefetch refuses a file whose Packages entry has no SHA256, before downloading anything', async () => {
    const box = await noSha.sandbox();
    const before = noSha.mirror.requests.length;
    const result = await runCli(['install', '--prefetch', '-y', 'nosha'], box.env);
    assert.equal(result.code, 5, result.stderr);
    assert.match(result.stderr, /E_NO_SHA256/);
    assert.match(result.stderr, /nosha_1\.0_all\.deb .*: its Packages entry has no SHA256/);
    assert.equal(noSha.mirror.requests.slice(before).filter((request) => request.path.endsWith('.deb')).length, 0);
    assert.equal(installed(box).size, 0);
  });

  it('passes apt-get\'s own status through when APT cannot resolve the request', async () => {
    const box = await fresh();
    const result = await runCli(['install', '-y', 'no-such-package'], box.env);
    assert.equal(result.code, 100);
    assert.match(result.stderr, /Unable to locate package no-such-package/);
  });

  it('reports every configuration problem at once, with file and key', async () => {
    const box = await fresh();
    const file = join(box.dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ http: { parallel: 0, retries: 'x' }, colour: 'blue' }));
    const result = await runCli(['--config', file, 'download', 'small'], box.env);
    assert.equal(result.code, 2);
    for (const key of ['http.parallel', 'http.retries', 'colour']) assert.match(result.stderr, new RegExp(`${file}: ${key.replace('.', '\\.')}`));
  });

  it('--prefetch refuses to run while another live apt-torrent holds the lock, naming it', async () => {
    const box = await fresh();
    writeFileSync(join(box.archives, 'apt-torrent.lock'), JSON.stringify({ pid: process.pid, command: 'apt-torrent install firefox', since: '2026-01-01T00:00:00Z' }));
    const result = await runCli(['download', '--prefetch', 'small'], box.env);
    assert.equal(result.code, 6);
    assert.match(result.stderr, new RegExp(`held by pid ${process.pid} \\(\`apt-torrent install firefox\``));
    assert.equal(cached(box, 'small_1.0_all.deb'), false);
    // A lock whose owner is gone is taken over.
    writeFileSync(join(box.archives, 'apt-torrent.lock'), JSON.stringify({ pid: 2 ** 22 + 7, command: 'gone', since: 'x' }));
    const after = await runCli(['download', '--prefetch', 'small'], box.env);
    assert.equal(after.code, 0, after.stderr);
    assert.equal(existsSync(join(box.archives, 'apt-torrent.lock')), false, 'released');
  });

  it('--prefetch resumes a partial file left by an earlier run, fetching only the rest', async () => {
    const box = await fresh();
    const body = repo.bytes('big');
    mkdirSync(join(box.archives, 'partial/apt-torrent'), { recursive: true, mode: 0o700 });
    writeFileSync(join(box.archives, 'partial/apt-torrent/big_1.0_all.deb'), body.subarray(0, 1_234_567));
    const before = mirror.requests.length;
    const result = await runCli(['download', '--prefetch', 'big'], box.env);
    assert.equal(result.code, 0, result.stderr);
    const mine = mirror.requests.slice(before).filter((request) => request.path.endsWith('big_1.0_all.deb'));
    assert.deepEqual(mine.map((request) => request.range), ['bytes=1234567-']);
    assert.equal(mine[0]!.bytes, body.length - 1_234_567);
    assert.match(result.stderr, /kept from earlier partial downloads/);
    assert.equal(sha256(readFileSync(join(box.archives, 'big_1.0_all.deb'))), sha256(body));
  });

  it('--prefetch starts over when a kept partial holds other bytes, and still verifies', async () => {
    const box = await fresh();
    mkdirSync(join(box.archives, 'partial/apt-torrent'), { recursive: true, mode: 0o700 });
    writeFileSync(join(box.archives, 'partial/apt-torrent/big_1.0_all.deb'), Buffer.alloc(500_000, 7));
    const result = await runCli(['download', '--prefetch', 'big'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(sha256(readFileSync(join(box.archives, 'big_1.0_all.deb'))), sha256(repo.bytes('big')));
  });

  it('--prefetch stops promptly on Ctrl-C, keeps the partial out of the cache, and the next run resumes it', async () => {
    const box = await fresh();
    const path = `/${repo.pool.get('big')}`;
    mirror.faults.set(path, { kind: 'slow', bytesPerSecond: 400_000 });
    const download = startCli(['download', '--prefetch', 'big'], box.env);
    const partial = join(box.archives, 'partial/apt-torrent/big_1.0_all.deb');
    await poll(() => existsSync(partial) && statSync(partial).size > 200_000, 5000);
    const interruptedAt = Date.now();
    download.child.kill('SIGINT');
    const { code, stderr } = await download.done;
    mirror.faults.delete(path);
    assert.ok(Date.now() - interruptedAt < 3000, 'exits promptly');
    assert.equal(code, 130, stderr);
    assert.match(stderr, /E_INTERRUPTED\]: interrupted; partial files are kept and the next run resumes them/);
    assert.equal(cached(box, 'big_1.0_all.deb'), false);
    const kept = statSync(partial).size;
    assert.ok(kept > 0 && kept < repo.bytes('big').length);
    const before = mirror.requests.length;
    const again = await runCli(['download', '--prefetch', 'big'], box.env);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(mirror.requests.slice(before).filter((request) => request.path === path).map((request) => request.range), [`bytes=${kept}-`]);
    assert.equal(sha256(readFileSync(join(box.archives, 'big_1.0_all.deb'))), sha256(repo.bytes('big')));
  });
});
