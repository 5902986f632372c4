import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { parseTorrent } from '../../src/bittorrent/torrent.js';
import { withTrackersOnly } from '../../src/bittorrent/accept-torrent.js';
import { runCli } from '../helpers/cli.js';
import { TestMirror } from '../helpers/mirror.js';
import { buildRepo, indexRepo, readPool, type TestRepo } from '../helpers/repo.js';
import { aptUpdate, createSandbox, removeSandbox, type Sandbox } from '../helpers/sandbox.js';
import { Proc, publishWithTracker } from '../helpers/swarm.js';
import { aria2Leech, configureSeeding, list, sha256, startDaemon, stateOf, waitForList, type Daemon } from './helpers/daemon.js';

const MiB = 1024 * 1024;

describe('the seeding daemon on a real swarm: install hands over, aria2 leeches, seeding controls it, clean removes', () => {
  let repo: TestRepo;
  let mirror: TestMirror;
  let tracker: Proc;
  let box: Sandbox;
  let daemon: Daemon | undefined;
  const work = mkdtempSync(join(tmpdir(), 'apt-torrent-seed-test-'));
  const configFile = () => join(box.dir, 'xdg/apt-torrent/config.json');
  const store = () => join(box.dir, 'apt-torrent-state/store');
  const debPath = (name: string) => join(repo.root, repo.pool.get(name)!);
  const debName = (name: string) => repo.pool.get(name)!.split('/').pop()!;
  /** The published torrent without its web seed: aria2 can get the file from peers only. */
  const bareTorrent = (name: string) => {
    const published = readFileSync(`${debPath(name)}.torrent`);
    const file = join(work, `${name}.torrent`);
    writeFileSync(file, withTrackersOnly(published, parseTorrent(published).trackers));
    return file;
  };
  const debRequests = () => mirror.requests.filter((request) => request.path.endsWith('.deb')).length;
  const restart = async () => {
    await daemon?.stop();
    daemon = await startDaemon(box.env);
  };

  before(async () => {
    repo = buildRepo([
      { name: 'bigdata', version: '1.0', payload: 8 * MiB },
      { name: 'bigdesk', version: '2.0', payload: 3 * MiB },
      { name: 'tinylib', version: '1.0', payload: 20_000 },
    ]);
    mirror = new TestMirror(repo.root);
    await mirror.start();
    ({ tracker } = await publishWithTracker(repo.root, mirror.url));
    box = createSandbox(mirror.url);
    // No ratio or time target unless a test sets one: transfers here must not make a torrent idle.
    configureSeeding(configFile(), { socket: join(box.dir, 'seed.sock'), ratio: 0 });
    await aptUpdate(box);
  });

  after(async () => {
    await daemon?.stop();
    await tracker?.stop();
    await mirror?.stop();
    if (box) removeSandbox(box);
    rmSync(work, { recursive: true, force: true });
    if (repo) rmSync(repo.root, { recursive: true, force: true });
  });

  it('install with no daemon running records the files; the daemon takes them at its start', async () => {
    const result = await runCli(['install', '-y', 'bigdesk', 'tinylib'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /N: the seeding daemon is not running; 1 file\(s\) are seeded when it starts/);
    daemon = await startDaemon(box.env);
    const torrents = await waitForList(box.env, (all) => stateOf(all, 'bigdesk') === 'seeding');
    assert.deepEqual(torrents.map((torrent) => torrent.package), ['bigdesk']);
    assert.ok(!existsSync(join(box.dir, 'apt-torrent-state/pending-seeds.json')), 'taken');
  });

  it('install --no-seed hands nothing over', async () => {
    const result = await runCli(['install', '-y', '--no-seed', 'bigdata'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /seeding daemon/);
    assert.ok(!existsSync(join(box.dir, 'apt-torrent-state/pending-seeds.json')));
    assert.deepEqual((await list(box.env)).map((torrent) => torrent.package), ['bigdesk']);
  });

  it('install hands the files that came by torrent to the running daemon, which re-hashes and seeds them in place', async () => {
    execFileSync('apt-get', ['clean'], { env: box.env });
    const result = await runCli(['install', '-y', '--reinstall', 'bigdata'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /N: handed 1 file\(s\) that came by torrent to the seeding daemon/);
    const torrents = await waitForList(box.env, (all) => all.length === 2 && all.every((torrent) => torrent.state === 'seeding'));
    const bigdata = torrents.find((torrent) => torrent.package === 'bigdata')!;
    assert.equal(bigdata.version, '1.0');
    assert.equal(bigdata.size, readPool(repo, 'bigdata').length);
    assert.equal(bigdata.infoHash, parseTorrent(readFileSync(`${debPath('bigdata')}.torrent`)).infoHash);
    // Hard-linked from APT's archive cache: one inode, no disk doubled.
    const stored = statSync(join(store(), bigdata.infoHash, debName('bigdata')));
    assert.equal(stored.ino, statSync(join(box.archives, debName('bigdata'))).ino);
    assert.equal(stored.nlink, 2);
    assert.equal(statSync(store()).mode & 0o777, 0o700);
    const names = await runCli(['seeding', 'list', '--names'], box.env);
    assert.deepEqual(names.stdout.split('\n').filter(Boolean), ['bigdata', 'bigdesk']);
    const table = await runCli(['seeding', 'list'], box.env);
    assert.match(table.stdout, /^PACKAGE\s+VERSION\s+SIZE\s+UPLOADED\s+RATIO\s+PEERS\s+STATE\nbigdata\s+1\.0\s+8\.0 MiB\s+0 B\s+0\.00\s+0\s+seeding\n/);
  });

  it('aria2 downloads a package from the daemon alone (no web seed, mirror untouched) and its SHA256 matches', async () => {
    const mark = debRequests();
    const { dir, code } = await aria2Leech(bareTorrent('bigdata'));
    assert.equal(code, 0);
    assert.equal(sha256(readFileSync(join(dir, debName('bigdata')))), sha256(readPool(repo, 'bigdata')));
    assert.equal(debRequests(), mark, 'the mirror served no .deb');
    const torrents = await waitForList(box.env, (all) => (all.find((torrent) => torrent.package === 'bigdata')?.uploaded ?? 0) >= 8 * MiB);
    assert.ok(torrents.find((torrent) => torrent.package === 'bigdata')!.ratio >= 1);
  });

  it('announces to the tracker and connects out to a leecher it learns of there (some peers cannot be reached the other way)', async () => {
    const bigdesk = (await list(box.env)).find((torrent) => torrent.package === 'bigdesk')!;
    // A leecher that only listens: it announces itself, then waits for the seeder to call.
    const handshake = new Promise<Buffer>((resolve) => {
      const server = createServer((socket) => {
        let data = Buffer.alloc(0);
        socket.on('data', (chunk) => {
          data = Buffer.concat([data, chunk]);
          if (data.length >= 68) {
            resolve(data.subarray(0, 68));
            socket.destroy();
            server.close();
          }
        });
      });
      server.listen(0, '127.0.0.4', () => {
        const { port } = server.address() as AddressInfo;
        const announce = new URL(parseTorrent(readFileSync(`${debPath('bigdesk')}.torrent`)).trackers[0]!);
        const binary = (hex: string) => [...Buffer.from(hex, 'hex')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
        const query = `info_hash=${binary(bigdesk.infoHash)}&peer_id=${binary('2d4c4c303030302d'.padEnd(40, '7'))}&port=${port}&uploaded=0&downloaded=0&left=${bigdesk.size}&compact=1&event=started`;
        httpGet(`${announce.href}?${query}`, { localAddress: '127.0.0.4' }, (response) => response.resume());
      });
    });
    // A resume announces again ("started"): the tracker's answer names the leecher.
    assert.equal((await runCli(['seeding', 'pause', 'bigdesk'], box.env)).code, 0);
    assert.equal((await runCli(['seeding', 'resume', 'bigdesk'], box.env)).code, 0);
    const received = await Promise.race([handshake, sleep(10_000, undefined)]);
    assert.ok(received, 'the daemon called the leecher');
    assert.equal(received.subarray(1, 20).toString('latin1'), 'BitTorrent protocol');
    assert.equal(received.subarray(28, 48).toString('hex'), bigdesk.infoHash);
  });

  it('pause stops uploads to a fresh leecher; resume restores them', async () => {
    const paused = await runCli(['seeding', 'pause', 'bigdesk'], box.env);
    assert.equal(paused.code, 0, paused.stderr);
    assert.match(paused.stdout, /^Paused bigdesk 2\.0: paused$/m);
    const before = (await list(box.env)).find((torrent) => torrent.package === 'bigdesk')!;
    const starved = await aria2Leech(bareTorrent('bigdesk'), { stopTimeoutS: 4 });
    assert.notEqual(starved.code, 0, 'aria2 gave up');
    assert.ok(!existsSync(join(starved.dir, debName('bigdesk'))) || existsSync(join(starved.dir, `${debName('bigdesk')}.aria2`)), 'nothing complete');
    const during = (await list(box.env)).find((torrent) => torrent.package === 'bigdesk')!;
    assert.equal(during.uploaded, before.uploaded);
    assert.equal(during.state, 'paused');

    const resumed = await runCli(['seeding', 'resume', 'bigdesk'], box.env);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /^Resumed bigdesk 2\.0: seeding$/m);
    const fed = await aria2Leech(bareTorrent('bigdesk'));
    assert.equal(fed.code, 0);
    assert.equal(sha256(readFileSync(join(fed.dir, debName('bigdesk')))), sha256(readPool(repo, 'bigdesk')));
  });

  it('names that match nothing change nothing, with their own exit status', async () => {
    const result = await runCli(['seeding', 'pause', 'bigdesk', 'nosuchpkg'], box.env);
    assert.equal(result.code, 10);
    assert.match(result.stderr, /E_NOT_SEEDED.*nosuchpkg/);
    assert.equal(stateOf(await list(box.env), 'bigdesk'), 'seeding');
  });

  it('the upload limit holds over several seconds', async () => {
    const limit = 2 * MiB;
    configureSeeding(configFile(), { uploadLimit: limit });
    await restart();
    await waitForList(box.env, (all) => all.every((torrent) => torrent.state === 'seeding'));
    const bigdata = async () => (await list(box.env)).find((torrent) => torrent.package === 'bigdata')!;
    const before = (await bigdata()).uploaded;
    // Measured over the whole transfer (8 MiB at 2 MiB/s: about 4 s), timed around the leecher
    // itself: polling the daemon's counter over a short window mistakes the poll's own latency
    // for transfer time when the machine is busy.
    const startedAt = Date.now();
    const leech = await aria2Leech(bareTorrent('bigdata'));
    const seconds = (Date.now() - startedAt) / 1000;
    try {
      assert.equal(leech.code, 0);
      const sent = (await bigdata()).uploaded - before;
      assert.ok(sent >= readPool(repo, 'bigdata').length, `the daemon counted ${sent} bytes uploaded`);
      const rate = readPool(repo, 'bigdata').length / seconds;
      assert.ok(rate <= limit * 1.25 && rate >= limit * 0.4, `the leecher got ${Math.round(rate)} B/s with a limit of ${limit}`);
    } finally {
      configureSeeding(configFile(), { uploadLimit: 0 });
    }
  });

  it('a restart restores the state: what is seeded, uploaded bytes, paused', async () => {
    assert.equal((await runCli(['seeding', 'pause', 'bigdesk'], box.env)).code, 0);
    const before = await list(box.env);
    await restart();
    const after = await waitForList(box.env, (all) => all.length === 2 && stateOf(all, 'bigdata') === 'seeding');
    for (const torrent of before) {
      const again = after.find((candidate) => candidate.infoHash === torrent.infoHash)!;
      // A leecher's last messages may still have been counted between the list and the stop.
      assert.ok(again.uploaded >= torrent.uploaded && again.uploaded - torrent.uploaded < 64 * 1024, `${torrent.package}: ${torrent.uploaded} then ${again.uploaded}`);
      assert.ok(again.uploaded > 0);
    }
    assert.equal(stateOf(after, 'bigdesk'), 'paused');
    assert.equal((await runCli(['seeding', 'resume', '--all'], box.env)).code, 0);
  });

  it('a torrent goes idle once its target is met; resume gives it a fresh one', async () => {
    configureSeeding(configFile(), { seedTime: '3s' });
    await restart();
    // Both have been seeded longer than that already.
    await waitForList(box.env, (all) => all.every((torrent) => torrent.state === 'idle'));
    assert.match(daemon!.log(), /bigdata 1\.0: idle \(.*target met\)/);
    const resumed = await runCli(['seeding', 'resume', 'bigdata'], box.env);
    assert.match(resumed.stdout, /^Resumed bigdata 1\.0: seeding$/m);
    const started = Date.now();
    await waitForList(box.env, (all) => stateOf(all, 'bigdata') === 'idle');
    assert.ok(Date.now() - started >= 2000, 'a fresh 3 s target');
    configureSeeding(configFile(), { seedTime: 0 });
    await restart();
    assert.equal((await runCli(['seeding', 'resume', '--all'], box.env)).code, 0);
    await waitForList(box.env, (all) => all.every((torrent) => torrent.state === 'seeding'));
  });

  it('kill -9 while the state is being written: the next start still works', async () => {
    for (let round = 0; round < 3; round += 1) {
      // Each pause and resume writes the state; the kill lands somewhere among the writes.
      const spam = (async () => {
        for (let i = 0; i < 20; i += 1) {
          await runCli(['seeding', i % 2 ? 'resume' : 'pause', 'bigdata'], box.env);
        }
      })();
      await sleep(300 + round * 250);
      daemon!.child.kill('SIGKILL');
      await spam;
      daemon = await startDaemon(box.env);
      const torrents = await waitForList(box.env, (all) => all.length === 2 && all.every((torrent) => torrent.state !== 'checking'));
      assert.ok(torrents.every((torrent) => torrent.uploaded > 0), 'counters kept');
    }
    assert.equal((await runCli(['seeding', 'resume', '--all'], box.env)).code, 0);
    assert.doesNotMatch(daemon!.log(), /corrupt/);
  });

  it('a corrupt state file is reported and rebuilt from the store', async () => {
    await daemon!.stop();
    const statePath = join(box.dir, 'apt-torrent-state/seeding.json');
    writeFileSync(statePath, readFileSync(statePath, 'utf8').slice(0, 40));
    writeFileSync(`${statePath}.tmp-1-dead`, '{"half');
    daemon = await startDaemon(box.env);
    const torrents = await waitForList(box.env, (all) => all.length === 2 && all.every((torrent) => torrent.state === 'seeding'));
    assert.match(daemon.log(), /seeding\.json is corrupt .*rebuilt from the store: 2 file\(s\)/);
    assert.ok(torrents.every((torrent) => torrent.uploaded === 0));
    assert.ok(!existsSync(`${statePath}.tmp-1-dead`));
    await restart();
    assert.doesNotMatch(daemon!.log(), /corrupt/, 'reported once, then a good file');
  });

  it('clean: after a new version is published and apt-get update, the old one leaves the list and the store; one still indexed stays', async () => {
    const old = (await list(box.env)).find((torrent) => torrent.package === 'bigdata')!;
    rmSync(debPath('bigdata'));
    rmSync(`${debPath('bigdata')}.torrent`);
    buildRepo([{ name: 'bigdata', version: '1.1', payload: 8 * MiB }], { root: repo.root });
    indexRepo(repo.root);
    const published = await runCli(['publish', '--archive-root', repo.root, '--suite', 'stable', '--base-url', mirror.url, '--tracker', parseTorrent(readFileSync(`${debPath('bigdesk')}.torrent`)).trackers[0]!, '--min-size', '1MiB', '--share', '1'], process.env);
    assert.equal(published.code, 0, published.stderr);
    await aptUpdate(box);

    const dry = await runCli(['clean', '--dry-run'], box.env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^Would remove bigdata 1\.0 \(8\.0 MiB\): it left the Packages indexes$/m);
    assert.equal((await list(box.env)).length, 2, 'a dry run changes nothing');

    const cleaned = await runCli(['clean'], box.env);
    assert.equal(cleaned.code, 0, cleaned.stderr);
    // APT's archive cache still holds its other link, so no disk comes back yet.
    assert.match(cleaned.stdout, /^Removed bigdata 1\.0 \(8\.0 MiB, 0 B freed: APT's archive cache still holds it\): it left the Packages indexes$/m);
    assert.match(cleaned.stdout, /Removed 1 seeded file\(s\), 0 B freed; 1 still seeded/);
    const torrents = await list(box.env);
    assert.deepEqual(torrents.map((torrent) => torrent.package), ['bigdesk']);
    assert.ok(!existsSync(join(store(), old.infoHash)));
    assert.ok(!readdirSync(store()).some((name) => name.startsWith(old.infoHash)));

    const again = await runCli(['clean'], box.env);
    assert.match(again.stdout, /Nothing to clean: the 1 seeded file\(s\) are all still in the Packages indexes/);
  });

  it('clean --manifest-gone also names what the mirror stopped tracking; plain clean keeps it while it is indexed', async () => {
    const announce = parseTorrent(readFileSync(`${debPath('bigdesk')}.torrent`)).trackers[0]!;
    // bigdesk (3 MiB) falls under the new --min-size: still in the index, no longer in the manifest.
    const published = await runCli(['publish', '--archive-root', repo.root, '--suite', 'stable', '--base-url', mirror.url, '--tracker', announce, '--min-size', '4MiB', '--share', '1'], process.env);
    assert.equal(published.code, 0, published.stderr);
    await aptUpdate(box);
    const plain = await runCli(['clean', '--dry-run'], box.env);
    assert.match(plain.stdout, /Nothing to clean/);
    const gone = await runCli(['clean', '--dry-run', '--manifest-gone'], box.env);
    assert.equal(gone.code, 0, gone.stderr);
    assert.match(gone.stdout, /^Would remove bigdesk 2\.0 \(3\.0 MiB\): the manifest no longer lists it$/m);
  });

  it('stop removes a package from the list and the store', async () => {
    const bigdesk = (await list(box.env)).find((torrent) => torrent.package === 'bigdesk')!;
    const stopped = await runCli(['seeding', 'stop', 'bigdesk'], box.env);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, /^Stopped bigdesk 2\.0 and removed it from the store \(3\.0 MiB freed\)$/m);
    assert.deepEqual(await list(box.env), []);
    assert.ok(!existsSync(join(store(), bigdesk.infoHash)));
  });

  it('with the daemon stopped: a clear message and status 9; clean still works', async () => {
    await daemon!.stop();
    daemon = undefined;
    const listed = await runCli(['seeding', 'list'], box.env);
    assert.equal(listed.code, 9);
    assert.match(listed.stderr, /E_NOT_RUNNING.*the seeding daemon is not running/);
    assert.match(listed.stderr, /hint: start it with `systemctl start apt-torrent-seed`/);
    const names = await runCli(['seeding', 'list', '--names'], box.env);
    assert.equal(names.stdout, '');
    const cleaned = await runCli(['clean'], box.env);
    assert.equal(cleaned.code, 0, cleaned.stderr);
  });
});
