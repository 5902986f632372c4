import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestArchive } from '../helpers/archive.js';
import { runCli, type Served } from '../helpers/cli.js';
import { sha256 } from '../helpers/hash.js';
import type { TestMirror } from '../helpers/mirror.js';
import type { Proc } from '../helpers/proc.js';
import { installed } from '../helpers/sandbox.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { aria2Leech, bareTorrent, publishWithTracker, seedDir, startAria2Seeder, startOurSeeder } from '../helpers/swarm.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

const MiB = 1024 * 1024;

describe('BitTorrent with the mirror as web seed, on a real swarm', () => {
  let site: ServedArchive;
  let repo: TestArchive;
  let mirror: TestMirror;
  let tracker: Served;
  const procs: Proc[] = [];
  const torrentPath = (name: string) => `${repo.path(name)}.torrent`;
  const debName = (name: string) => repo.pool.get(name)!.split('/').pop()!;

  before(async () => {
    site = await ServedArchive.start([
      { name: 'bigdata', version: '1.0', payload: 9 * MiB },
      { name: 'bigdesk', version: '2.0', payload: 5 * MiB },
      { name: 'tinylib', version: '1.0', payload: 20_000 },
    ]);
    ({ archive: repo, mirror } = site);
    ({ tracker } = await publishWithTracker(repo.root, mirror.url));
  });

  after(async () => {
    for (const proc of procs) await proc.stop();
    await tracker?.stop();
    await site?.stop();
  });

  /** A sandbox whose apt-torrent config has `config` merged in. */
  const fresh = (config: Record<string, unknown> = {}) => site.sandbox((box) => {
    const configFile = join(box.dir, 'xdg/apt-torrent/config.json');
    writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), ...config }));
  });
  const debBytes = () => mirror.requests.filter((request) => request.path.endsWith('.deb'));
  const servedSince = (mark: number, name: string) =>
    mirror.requests.slice(mark).filter((request) => request.path.endsWith(debName(name))).reduce((sum, request) => sum + request.bytes, 0);

  it('plan routes the manifest\'s files to BitTorrent, by SHA256 and size', async () => {
    const box = await fresh();
    const result = await runCli(['plan', '--json', 'bigdata', 'tinylib'], box.env);
    assert.equal(result.code, 0, result.stderr);
    const plan = JSON.parse(result.stdout);
    const routes = Object.fromEntries(plan.files.map((file: { package: string; route: string }) => [file.package, file.route]));
    assert.deepEqual(routes, { bigdata: 'torrent', tinylib: 'http' });
    assert.equal(plan.bytesByRoute.torrent, repo.bytes('bigdata').length);
  });

  it('with torrent.scrape and nobody in the swarm, plain HTTP fetches the files without starting BitTorrent', async () => {
    const box = await fresh({ torrent: { scrape: true } });
    const configFile = join(box.dir, 'xdg/apt-torrent/config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    writeFileSync(configFile, JSON.stringify({ ...config, seed: { ...config.seed, enabled: true } }));
    const mark = mirror.requests.length;
    const result = await runCli(['install', '--prefetch', '-y', 'bigdata', 'tinylib'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(installed(box).get('bigdata'), '1.0');
    assert.match(result.stderr, /Got bigdata_1\.0_all\.deb \(.*http: nobody in the swarm yet\)/);
    assert.equal(servedSince(mark, 'bigdata'), repo.bytes('bigdata').length, 'every byte once from the mirror');
    const pending = JSON.parse(readFileSync(join(box.dir, 'apt-torrent-state/pending-seeds.json'), 'utf8'));
    assert.deepEqual(pending.map((entry: { package: string }) => entry.package), ['bigdata'], 'handed over for seeding');
    assert.match(result.stderr, /N: the seeding daemon is not running; 1 file\(s\) are seeded when it starts/);
  });

  it('takes the big files from peers (our seeder and aria2), leaving the mirror nearly idle', async () => {
    for (const name of ['bigdata', 'bigdesk']) {
      procs.push(await startOurSeeder(torrentPath(name), seedDir(repo.path(name))));
      procs.push(await startAria2Seeder(torrentPath(name), seedDir(repo.path(name)), '127.0.0.2'));
    }
    const box = await fresh();
    const mark = mirror.requests.length;
    const result = await runCli(['install', '--prefetch', '-y', 'bigdata', 'bigdesk', 'tinylib'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!existsSync(join(box.dir, 'apt-torrent-state/pending-seeds.json')), 'seeding is off: nothing recorded for it');
    assert.equal(installed(box).get('bigdesk'), '2.0');
    const big = repo.bytes('bigdata').length + repo.bytes('bigdesk').length;
    const fromMirror = servedSince(mark, 'bigdata') + servedSince(mark, 'bigdesk');
    assert.ok(fromMirror < big * 0.2, `mirror served ${fromMirror} of ${big} torrent bytes`);
    assert.match(result.stderr, /from peers/);
    for (const proc of procs.splice(0)) await proc.stop();
  });

  it('with nobody in the swarm, the mirror sends the whole file over parallel HTTP ranges while the torrent stays announced', async () => {
    const box = await fresh();
    const mark = mirror.requests.length;
    const result = await runCli(['download', '--prefetch', 'bigdata'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Got bigdata_1\.0_all\.deb \(.*torrent: 0 B from peers, 9\.0 MiB from the mirror\)/);
    assert.equal(servedSince(mark, 'bigdata'), repo.bytes('bigdata').length, 'every byte once from the mirror');
    const ranged = mirror.requests.slice(mark).filter((request) => request.path.endsWith(debName('bigdata')) && request.range);
    assert.ok(ranged.length >= 4, `${ranged.length} range requests: several connections at once`);
  });

  // The web seed is used beside peers that carry too little: here a peer trickling at 20 KB/s.
  const withTricklingPeer = async (name: string, run: () => Promise<void>) => {
    const slow = await startOurSeeder(torrentPath(name), seedDir(repo.path(name)), { uploadLimit: 20_000 });
    try {
      await run();
    } finally {
      await slow.stop();
    }
  };

  it('when the web seed fails silently (404 to webtorrent), HTTP finishes the file in bounded time', () => withTricklingPeer('bigdesk', async () => {
    const box = await fresh({ torrent: { stallSeconds: 2, webSeedDelay: 1 } });
    mirror.faults.set(`/${repo.pool.get('bigdesk')}`, { kind: 'status', status: 404, times: 100_000, agent: /WebTorrent/ });
    try {
      const started = Date.now();
      const result = await runCli(['download', '--prefetch', 'bigdesk'], box.env);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(Date.now() - started < 20_000);
      assert.ok(mirror.requests.some((request) => request.path.endsWith(debName('bigdesk')) && request.status === 404), 'the web seed was tried');
      assert.equal(sha256(readFileSync(join(box.archives, debName('bigdesk')))), sha256(repo.bytes('bigdesk')));
    } finally {
      mirror.faults.delete(`/${repo.pool.get('bigdesk')}`);
    }
  }));

  it('when the web seed ignores Range, HTTP finishes the file in bounded time', () => withTricklingPeer('bigdata', async () => {
    const box = await fresh({ torrent: { stallSeconds: 2, webSeedDelay: 1 } });
    mirror.faults.set(`/${repo.pool.get('bigdata')}`, { kind: 'ignore-range' });
    try {
      const started = Date.now();
      const result = await runCli(['download', '--prefetch', 'bigdata'], box.env);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(Date.now() - started < 20_000);
      assert.equal(sha256(readFileSync(join(box.archives, debName('bigdata')))), sha256(repo.bytes('bigdata')));
    } finally {
      mirror.faults.delete(`/${repo.pool.get('bigdata')}`);
    }
  }));

  it('drops a peer that serves corrupted pieces; the file still completes and verifies', async () => {
    const hostile = await startOurSeeder(torrentPath('bigdesk'), seedDir(repo.path('bigdesk'), (data) => {
      for (let offset = 100_000; offset < data.length; offset += 1_000_000) data[offset] = data[offset]! ^ 0xff;
    }), { skipVerify: true });
    procs.push(hostile);
    const box = await fresh({ torrent: { webSeedDelay: 1 } });
    // A busy mirror: the peer gets to send its pieces before the mirror's top-up has the file.
    mirror.faults.set(`/${repo.pool.get('bigdesk')}`, { kind: 'slow', bytesPerSecond: 100_000 });
    const result = await runCli(['download', '--prefetch', 'bigdesk'], box.env).finally(() => mirror.faults.delete(`/${repo.pool.get('bigdesk')}`));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /dropped peer .*failed verification/);
    assert.equal(sha256(readFileSync(join(box.archives, debName('bigdesk')))), sha256(repo.bytes('bigdesk')));
    await hostile.stop();
  });

  it('aria2 downloads a package from an apt-torrent seeder alone (no web seed)', async () => {
    const seeder = await startOurSeeder(torrentPath('bigdesk'), seedDir(repo.path('bigdesk')));
    procs.push(seeder);
    const work = tempDir('aria2');
    try {
      const mark = debBytes().length;
      const leech = await aria2Leech(bareTorrent(torrentPath('bigdesk'), work), { stopTimeoutS: 60, timeoutMs: 90_000 });
      assert.equal(leech.code, 0);
      assert.equal(debBytes().length, mark, 'the mirror served nothing');
      assert.equal(sha256(readFileSync(join(leech.dir, debName('bigdesk')))), sha256(repo.bytes('bigdesk')));
    } finally {
      removeTempDir(work);
    }
    await seeder.stop();
  });
});
