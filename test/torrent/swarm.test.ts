import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parseTorrent } from '../../src/bittorrent/torrent.js';
import { withTrackersOnly } from '../../src/bittorrent/accept-torrent.js';
import { runCli } from '../helpers/cli.js';
import { TestMirror } from '../helpers/mirror.js';
import { freePort } from '../helpers/nginx.js';
import { buildRepo, readPool, type TestRepo } from '../helpers/repo.js';
import { aptUpdate, createSandbox, installed, removeSandbox, type Sandbox } from '../helpers/sandbox.js';
import { Proc, publishWithTracker, seedDir, startAria2Seeder, startOurSeeder } from '../helpers/swarm.js';

const run = promisify(execFile);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const MiB = 1024 * 1024;

describe('BitTorrent with the mirror as web seed, on a real swarm', () => {
  let repo: TestRepo;
  let mirror: TestMirror;
  let tracker: Proc;
  const procs: Proc[] = [];
  const sandboxes: Sandbox[] = [];
  const debPath = (name: string) => join(repo.root, repo.pool.get(name)!);
  const torrentPath = (name: string) => `${debPath(name)}.torrent`;
  const debName = (name: string) => repo.pool.get(name)!.split('/').pop()!;

  before(async () => {
    repo = buildRepo([
      { name: 'bigdata', version: '1.0', payload: 9 * MiB },
      { name: 'bigdesk', version: '2.0', payload: 5 * MiB },
      { name: 'tinylib', version: '1.0', payload: 20_000 },
    ]);
    mirror = new TestMirror(repo.root);
    await mirror.start();
    ({ tracker } = await publishWithTracker(repo.root, mirror.url));
  });

  after(async () => {
    for (const proc of procs) await proc.stop();
    await tracker?.stop();
    await mirror.stop();
    for (const box of sandboxes) removeSandbox(box);
  });

  const fresh = async (config: Record<string, unknown> = {}) => {
    const box = createSandbox(mirror.url);
    const configFile = join(box.dir, 'xdg/apt-torrent/config.json');
    writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), ...config }));
    await aptUpdate(box);
    sandboxes.push(box);
    return box;
  };
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
    assert.equal(plan.bytesByRoute.torrent, readPool(repo, 'bigdata').length);
  });

  it('with torrent.scrape and nobody in the swarm, plain HTTP fetches the files without starting BitTorrent', async () => {
    const box = await fresh({ torrent: { scrape: true } });
    const configFile = join(box.dir, 'xdg/apt-torrent/config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    writeFileSync(configFile, JSON.stringify({ ...config, seed: { ...config.seed, enabled: true } }));
    const mark = mirror.requests.length;
    const result = await runCli(['install', '-y', 'bigdata', 'tinylib'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(installed(box).get('bigdata'), '1.0');
    assert.match(result.stderr, /Got bigdata_1\.0_all\.deb \(.*http: nobody in the swarm yet\)/);
    assert.equal(servedSince(mark, 'bigdata'), readPool(repo, 'bigdata').length, 'every byte once from the mirror');
    const pending = JSON.parse(readFileSync(join(box.dir, 'apt-torrent-state/pending-seeds.json'), 'utf8'));
    assert.deepEqual(pending.map((entry: { package: string }) => entry.package), ['bigdata'], 'handed over for seeding');
    assert.match(result.stderr, /N: the seeding daemon is not running; 1 file\(s\) are seeded when it starts/);
  });

  it('takes the big files from peers (our seeder and aria2), leaving the mirror nearly idle', async () => {
    for (const name of ['bigdata', 'bigdesk']) {
      procs.push(await startOurSeeder(torrentPath(name), seedDir(debPath(name))));
      procs.push(await startAria2Seeder(torrentPath(name), seedDir(debPath(name)), '127.0.0.2'));
    }
    const box = await fresh();
    const mark = mirror.requests.length;
    const result = await runCli(['install', '-y', 'bigdata', 'bigdesk', 'tinylib'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!existsSync(join(box.dir, 'apt-torrent-state/pending-seeds.json')), 'seeding is off: nothing recorded for it');
    assert.equal(installed(box).get('bigdesk'), '2.0');
    const big = readPool(repo, 'bigdata').length + readPool(repo, 'bigdesk').length;
    const fromMirror = servedSince(mark, 'bigdata') + servedSince(mark, 'bigdesk');
    assert.ok(fromMirror < big * 0.2, `mirror served ${fromMirror} of ${big} torrent bytes`);
    assert.match(result.stderr, /from peers/);
    for (const proc of procs.splice(0)) await proc.stop();
  });

  it('with nobody in the swarm, the mirror sends the whole file over parallel HTTP ranges while the torrent stays announced', async () => {
    const box = await fresh();
    const mark = mirror.requests.length;
    const result = await runCli(['download', 'bigdata'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Got bigdata_1\.0_all\.deb \(.*torrent: 0 B from peers, 9\.0 MiB from the mirror\)/);
    assert.equal(servedSince(mark, 'bigdata'), readPool(repo, 'bigdata').length, 'every byte once from the mirror');
    const ranged = mirror.requests.slice(mark).filter((request) => request.path.endsWith(debName('bigdata')) && request.range);
    assert.ok(ranged.length >= 4, `${ranged.length} range requests: several connections at once`);
  });

  // The web seed is used beside peers that carry too little: here a peer trickling at 20 KB/s.
  const withTricklingPeer = async (name: string, run: () => Promise<void>) => {
    const slow = await startOurSeeder(torrentPath(name), seedDir(debPath(name)), { uploadLimit: 20_000 });
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
      const result = await runCli(['download', 'bigdesk'], box.env);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(Date.now() - started < 20_000);
      assert.ok(mirror.requests.some((request) => request.path.endsWith(debName('bigdesk')) && request.status === 404), 'the web seed was tried');
      assert.equal(sha256(readFileSync(join(box.archives, debName('bigdesk')))), sha256(readPool(repo, 'bigdesk')));
    } finally {
      mirror.faults.delete(`/${repo.pool.get('bigdesk')}`);
    }
  }));

  it('when the web seed ignores Range, HTTP finishes the file in bounded time', () => withTricklingPeer('bigdata', async () => {
    const box = await fresh({ torrent: { stallSeconds: 2, webSeedDelay: 1 } });
    mirror.faults.set(`/${repo.pool.get('bigdata')}`, { kind: 'ignore-range' });
    try {
      const started = Date.now();
      const result = await runCli(['download', 'bigdata'], box.env);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(Date.now() - started < 20_000);
      assert.equal(sha256(readFileSync(join(box.archives, debName('bigdata')))), sha256(readPool(repo, 'bigdata')));
    } finally {
      mirror.faults.delete(`/${repo.pool.get('bigdata')}`);
    }
  }));

  it('drops a peer that serves corrupted pieces; the file still completes and verifies', async () => {
    const hostile = await startOurSeeder(torrentPath('bigdesk'), seedDir(debPath('bigdesk'), (data) => {
      for (let offset = 100_000; offset < data.length; offset += 1_000_000) data[offset] = data[offset]! ^ 0xff;
    }), { skipVerify: true });
    procs.push(hostile);
    const box = await fresh({ torrent: { webSeedDelay: 1 } });
    const result = await runCli(['download', 'bigdesk'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /dropped peer .*failed verification/);
    assert.equal(sha256(readFileSync(join(box.archives, debName('bigdesk')))), sha256(readPool(repo, 'bigdesk')));
    await hostile.stop();
  });

  it('aria2 downloads a package from an apt-torrent seeder alone (no web seed)', async () => {
    const seeder = await startOurSeeder(torrentPath('bigdesk'), seedDir(debPath('bigdesk')));
    procs.push(seeder);
    const work = mkdtempSync(join(tmpdir(), 'apt-torrent-aria2-'));
    // The published torrent without its url-list: aria2 can only get the file from peers.
    const published = readFileSync(torrentPath('bigdesk'));
    const bare = join(work, 'bare.torrent');
    writeFileSync(bare, withTrackersOnly(published, parseTorrent(published).trackers));
    const mark = debBytes().length;
    await run('aria2c', [
      `--dir=${join(work, 'out')}`, '--seed-time=0', '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false',
      '--enable-peer-exchange=false', '--interface=127.0.0.3', `--listen-port=${await freePort('127.0.0.3')}`,
      '--console-log-level=warn', '--summary-interval=0', '--bt-stop-timeout=60', bare,
    ], { timeout: 90_000 });
    assert.equal(debBytes().length, mark, 'the mirror served nothing');
    assert.equal(sha256(readFileSync(join(work, 'out', debName('bigdesk')))), sha256(readPool(repo, 'bigdesk')));
    await seeder.stop();
  });
});
