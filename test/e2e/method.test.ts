/**
 * The APT method end to end: a real apt-get, with `torrent+http://` in its
 * sources and the built method registered through Dir::Bin::Methods, on a
 * mirror that publishes a manifest and a tracker, with real seeders.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { METHOD } from '../method/method-client.js';
import { TestMirror } from '../helpers/mirror.js';
import { buildArchive, type TestArchive } from '../helpers/archive.js';
import type { Served } from '../helpers/cli.js';
import type { Proc } from '../helpers/proc.js';
import { aptUpdate, cached, createSandbox, installed, removeSandbox, type Sandbox } from '../helpers/sandbox.js';
import { publishWithTracker, seedDir, startAria2Seeder, startOurSeeder } from '../helpers/swarm.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const SMALL = ['smalla', 'smallb', 'smallc'];

describe('apt-get through the torrent+http method', () => {
  let repo: TestArchive;
  let mirror: TestMirror;
  let tracker: Served;
  const procs: Proc[] = [];
  const sandboxes: Sandbox[] = [];
  const debPath = (name: string) => join(repo.root, repo.pool.get(name)!);
  const debName = (name: string) => repo.pool.get(name)!.split('/').pop()!;
  const manifestPath = () => join(repo.root, 'dists/stable/apt-torrent/manifest.json');

  before(async () => {
    repo = buildArchive([
      { name: 'bigdata', version: '1.0', payload: 6 * MiB },
      // In the manifest, but no test but the scrape one ever joins its swarm.
      { name: 'bigquiet', version: '1.0', payload: 1.5 * MiB },
      ...SMALL.map((name) => ({ name, version: '1.0', payload: 30_000 })),
    ]);
    mirror = new TestMirror(repo.root);
    await mirror.start();
    ({ tracker } = await publishWithTracker(repo.root, mirror.url));
    // The archive's signed Release now lists the manifest, as a mirror that publishes one does.
    repo.index({ release: ['-o', 'APT::FTPArchive::Release::Patterns::=manifest.json'] });
    assert.match(readFileSync(join(repo.root, 'dists/stable/Release'), 'utf8'), /apt-torrent\/manifest\.json/);
    const listed = JSON.parse(readFileSync(manifestPath(), 'utf8')).files.map((file: { package: string }) => file.package).sort();
    assert.deepEqual(listed, ['bigdata', 'bigquiet'], 'the manifest lists the big packages, not the small ones');
  });

  after(async () => {
    for (const proc of procs) await proc.stop();
    await tracker?.stop();
    await mirror.stop();
    for (const box of sandboxes) removeSandbox(box);
    repo?.dispose();
  });

  /** A sandboxed APT whose only source is `torrent+http://` and which runs the built method for it. */
  const fresh = async (config: Record<string, unknown> = {}, aptConf: string[] = []) => {
    const box = createSandbox(`torrent+${mirror.url}`);
    sandboxes.push(box);
    appendFileSync(join(box.dir, 'apt.conf'), [`Dir::Bin::Methods::torrent+http "${METHOD}";`, ...aptConf, ''].join('\n'));
    const configFile = join(box.dir, 'xdg/apt-torrent/config.json');
    writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), ...config }));
    box.env = { ...box.env, APT_TORRENT_SYSCONFDIR: join(box.dir, 'no-etc') };
    await aptUpdate(box);
    return box;
  };
  const aptGet = async (box: Sandbox, args: string[]) => {
    try {
      const { stdout, stderr } = await run('apt-get', args, { env: box.env, timeout: 120_000 });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
    }
  };
  const requestsFor = (mark: number, name: string) => mirror.requests.slice(mark).filter((request) => request.path.endsWith(debName(name)));
  const servedSince = (mark: number, name: string) => requestsFor(mark, name).reduce((sum, request) => sum + request.bytes, 0);

  it('apt-get update and install: the manifest\'s .deb over BitTorrent from seeders, the others through APT\'s http method', async () => {
    procs.push(await startAria2Seeder(`${debPath('bigdata')}.torrent`, seedDir(debPath('bigdata')), '127.0.0.2'));
    procs.push(await startOurSeeder(`${debPath('bigdata')}.torrent`, seedDir(debPath('bigdata'))));
    try {
      const box = await fresh();
      assert.ok(existsSync(join(box.dir, `state/lists/${mirror.url.replace(/^http:\/\//, '').replace(/\//g, '_')}dists_stable_InRelease`)) ||
        existsSync(join(box.dir, `state/lists/${mirror.url.replace(/^http:\/\//, '').replace(/\//g, '_')}dists_stable_Release`)), 'update went through the method');
      const mark = mirror.requests.length;
      const result = await aptGet(box, ['install', '-y', 'bigdata', ...SMALL]);
      assert.equal(result.code, 0, result.output);
      const now = installed(box);
      for (const name of ['bigdata', ...SMALL]) assert.equal(now.get(name), '1.0', name);
      assert.equal(readFileSync(join(box.root, 'usr/share/bigdata/payload')).length, 6 * MiB);
      const size = repo.bytes('bigdata').length;
      assert.ok(servedSince(mark, 'bigdata') < size * 0.2, `the mirror served ${servedSince(mark, 'bigdata')} of ${size} bytes of the torrent's file`);
      assert.match(result.output, /Get:\d+ torrent\+http:\/\/127\.0\.0\.1:\d+ stable\/main [a-z0-9]+ bigdata all 1\.0/, 'APT shows the BitTorrent file under the torrent+http source');
      for (const name of SMALL) {
        const requests = requestsFor(mark, name);
        assert.deepEqual(requests.map((request) => [request.range, request.status, request.bytes]), [[undefined, 200, repo.bytes(name).length]], `${name}: one plain GET by APT`);
        assert.match(result.output, new RegExp(`Get:\\d+ http://127\\.0\\.0\\.1:\\d+ stable/main [a-z0-9]+ ${name} all 1\\.0`), `${name} through the redirect`);
      }
      assert.equal(readdirSync(join(box.archives, 'partial')).filter((name) => name.endsWith('.deb')).length, 0, 'no partial left behind');
    } finally {
      for (const proc of procs.splice(0)) await proc.stop();
    }
  });

  it('refuses a tampered .deb: APT reports the failure, nothing unverified reaches its cache or dpkg', async () => {
    const box = await fresh({ torrent: { stallSeconds: 2, webSeedDelay: 0 } });
    const path = `/${repo.pool.get('bigdata')}`;
    mirror.faults.set(path, { kind: 'tamper' });
    try {
      const mark = mirror.requests.length;
      const started = Date.now();
      const result = await aptGet(box, ['install', '-y', 'bigdata']);
      assert.notEqual(result.code, 0, result.output);
      assert.ok(Date.now() - started < 60_000, 'bounded time');
      assert.match(result.output, /bigdata_1\.0_all\.deb did not come over BitTorrent \(SHA256 mismatch/, 'the method says why it fell back');
      assert.match(result.output, /Hash Sum mismatch|hash sum mismatch/i, 'APT checked the mirror\'s copy itself and refused it');
      assert.ok(requestsFor(mark, 'bigdata').some((request) => request.range === undefined && request.status === 200), 'APT\'s own GET after the redirect');
      assert.equal(cached(box, debName('bigdata')), false);
      assert.equal(existsSync(join(box.archives, 'partial', debName('bigdata'))), false);
      assert.equal(installed(box).has('bigdata'), false);
    } finally {
      mirror.faults.delete(path);
    }
  });

  it('with torrent.scrape and nobody in the swarm, the file goes to APT\'s http method without a word', async () => {
    const box = await fresh({ torrent: { scrape: true } });
    const mark = mirror.requests.length;
    const result = await aptGet(box, ['install', '-y', 'bigquiet']);
    assert.equal(result.code, 0, result.output);
    assert.equal(installed(box).get('bigquiet'), '1.0');
    assert.deepEqual(requestsFor(mark, 'bigquiet').map((request) => [request.range, request.status]), [[undefined, 200]], 'one plain GET by APT');
    assert.doesNotMatch(result.output, /W: /);
  });

  it('a manifest that does not match the Release APT verified costs only a redirect', async () => {
    const box = await fresh();
    const original = readFileSync(manifestPath());
    const manifest = JSON.parse(original.toString('utf8'));
    writeFileSync(manifestPath(), `${JSON.stringify({ ...manifest, generator: 'someone else' }, null, 2)}\n`);
    try {
      const mark = mirror.requests.length;
      const result = await aptGet(box, ['install', '-y', 'bigdata', 'smalla']);
      assert.equal(result.code, 0, result.output);
      assert.equal(installed(box).get('bigdata'), '1.0');
      assert.match(result.output, /does not match the SHA256 listed for it in the suite's signed Release/);
      assert.deepEqual(requestsFor(mark, 'bigdata').map((request) => [request.range, request.status]), [[undefined, 200]], 'one plain GET by APT, no torrent');
      assert.match(result.output, /Get:\d+ http:\/\/127\.0\.0\.1:\d+ stable\/main [a-z0-9]+ bigdata all 1\.0/);
    } finally {
      writeFileSync(manifestPath(), original);
    }
  });

  it('a manifest that is not one (garbage) also costs only a redirect', async () => {
    const box = await fresh();
    const original = readFileSync(manifestPath());
    writeFileSync(manifestPath(), '{"version": 1, "files": [{"filename": "\u0000"}');
    try {
      const result = await aptGet(box, ['install', '-y', 'bigdata']);
      assert.equal(result.code, 0, result.output);
      assert.equal(installed(box).get('bigdata'), '1.0');
      assert.match(result.output, /W: .*manifest .*(not valid JSON|does not match)/);
    } finally {
      writeFileSync(manifestPath(), original);
    }
  });

  /** Live method processes started for this sandbox (their environment names its APT_CONFIG). */
  const methodsOf = (box: Sandbox) => readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(METHOD) && readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`APT_CONFIG=${box.env.APT_CONFIG}`);
    } catch {
      return false;
    }
  });

  it('an interrupted apt-get ends the method at once; the next run resumes the pieces it had', async () => {
    // A peer trickling at 300 KB/s and a mirror held back: whole pieces (1 MiB) arrive one by one.
    const trickle = await startOurSeeder(`${debPath('bigdata')}.torrent`, seedDir(debPath('bigdata')), { uploadLimit: 300_000 });
    const box = await fresh({ torrent: { webSeedDelay: 600, minPeerRate: 1, stallSeconds: 600 } });
    const size = repo.bytes('bigdata').length;
    const mark = mirror.requests.length;
    const child = spawn('apt-get', ['install', '-y', 'bigdata'], { env: box.env, stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      assert.equal(servedSince(mark, 'bigdata'), 0, 'nothing from the mirror yet');
      assert.ok(methodsOf(box).length > 0, 'the method is at work');
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    } finally {
      await trickle.stop();
    }
    for (let waited = 0; waited < 50 && methodsOf(box).length > 0; waited += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(methodsOf(box), [], 'no method left running');
    assert.equal(installed(box).has('bigdata'), false);
    const configFile = join(box.dir, 'xdg/apt-torrent/config.json');
    const { torrent: _slow, ...rest } = JSON.parse(readFileSync(configFile, 'utf8'));
    writeFileSync(configFile, JSON.stringify(rest));
    const again = mirror.requests.length;
    const result = await aptGet(box, ['install', '-y', 'bigdata']);
    assert.equal(result.code, 0, result.output);
    assert.equal(installed(box).get('bigdata'), '1.0');
    const rerun = servedSince(again, 'bigdata');
    assert.ok(rerun <= size - MiB, `the second run fetched ${rerun} of ${size} bytes from the mirror`);
  });

  it('drops to APT::Sandbox::User: the BitTorrent client\'s files belong to _apt, and the file still arrives', async () => {
    const box = await fresh({}, ['APT::Sandbox::User "_apt";']);
    // _apt must reach the sandbox, as it reaches /var/cache/apt on a real system.
    chmodSync(box.dir, 0o755);
    const result = await aptGet(box, ['install', '-y', 'bigdata']);
    assert.equal(result.code, 0, result.output);
    assert.equal(installed(box).get('bigdata'), '1.0');
    const own = join(box.dir, 'cache/apt-torrent-partial');
    assert.ok(existsSync(join(own, 'torrents')), 'the method used its own partial directory');
    assert.equal(statSync(own).mode & 0o777, 0o700);
    const aptUid = Number((await run('id', ['-u', '_apt'])).stdout.trim());
    assert.equal(statSync(own).uid, aptUid, 'handed to _apt');
    assert.equal(statSync(join(own, 'torrents')).uid, aptUid, 'written by _apt, not root');
    assert.deepEqual(readdirSync(join(box.archives, 'partial')), [], 'nothing of ours inside APT\'s partial/');
    assert.match(result.output, /Get:\d+ torrent\+http:\/\/127\.0\.0\.1:\d+ stable\/main [a-z0-9]+ bigdata all 1\.0/);
  });
});
