/**
 * Other APT frontends through the torrent+http method: `apt` (the command
 * people type) and python3-apt (what unattended-upgrades, and through it
 * most unattended machines, fetch with: apt.Cache, mark_install,
 * fetch_archives). Each gets the manifest's .deb from the swarm, checked,
 * without knowing apt-torrent exists.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { TestArchive } from '../helpers/archive.js';
import { sha256 } from '../helpers/hash.js';
import type { TestMirror } from '../helpers/mirror.js';
import { PublishedSwarm } from '../helpers/published-swarm.js';
import { aptUpdate, createSandbox, installed, removeSandbox, type Sandbox } from '../helpers/sandbox.js';
import { poll } from '../helpers/wait.js';
import { METHOD } from '../method/method-client.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;

/** What unattended-upgrades does to download: a Cache, packages marked, fetch_archives(). */
const PYTHON_APT_FETCH = `
import sys, apt, apt_pkg
cache = apt.Cache()
for name in sys.argv[1:]:
    cache[name].mark_install()
cache.fetch_archives()
print("fetched", " ".join(sys.argv[1:]))
`;

describe('APT frontends through the method', () => {
  let swarm: PublishedSwarm;
  let repo: TestArchive;
  let mirror: TestMirror;
  const boxes: Sandbox[] = [];
  const debName = (name: string) => swarm.debName(name);
  const servedSince = (mark: number, name: string) => swarm.servedSince(mark, name);

  before(async () => {
    swarm = await PublishedSwarm.start([{ name: 'bigfront', version: '1.0', payload: 4 * MiB }, { name: 'smallfront', version: '1.0', payload: 20_000 }], 'bigfront');
    ({ repo, mirror } = swarm);
  });

  after(async () => {
    await swarm?.stop();
    for (const box of boxes) removeSandbox(box);
  });

  const fresh = async (extra: Record<string, unknown> = {}) => {
    const box = createSandbox(`torrent+${mirror.url}`);
    boxes.push(box);
    appendFileSync(join(box.dir, 'apt.conf'), `Dir::Bin::Methods::torrent+http "${METHOD}";\n`);
    box.env = { ...box.env, APT_TORRENT_SYSCONFDIR: join(box.dir, 'no-etc') };
    const configFile = join(box.dir, 'xdg/apt-torrent/config.json');
    writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), torrent: { webSeedDelay: 30 }, ...extra }));
    await aptUpdate(box);
    return box;
  };

  it('apt install: the big package from the swarm, the small one from the mirror, both installed', async () => {
    const box = await fresh();
    const mark = mirror.requests.length;
    const { stdout, stderr } = await run('apt', ['install', '-y', 'bigfront', 'smallfront'], { env: box.env, timeout: 120_000 });
    const now = installed(box);
    assert.equal(now.get('bigfront'), '1.0', stdout + stderr);
    assert.equal(now.get('smallfront'), '1.0');
    const size = repo.bytes('bigfront').length;
    assert.ok(servedSince(mark, 'bigfront') < size * 0.2, `the mirror served ${servedSince(mark, 'bigfront')} of ${size} bytes`);
    assert.equal(servedSince(mark, 'smallfront'), repo.bytes('smallfront').length);
  });

  it('with seed.enabled, what came by BitTorrent is handed to the seeder once APT has it, checked where APT put it', async () => {
    const box = await fresh();
    const config = JSON.parse(readFileSync(join(box.dir, 'xdg/apt-torrent/config.json'), 'utf8'));
    writeFileSync(join(box.dir, 'xdg/apt-torrent/config.json'), JSON.stringify({ ...config, seed: { ...config.seed, enabled: true } }));
    await run('apt-get', ['install', '-y', '--download-only', 'bigfront', 'smallfront'], { env: box.env, timeout: 120_000 });
    const pendingPath = join(config.stateDir, 'pending-seeds.json');
    assert.ok(await poll(() => existsSync(pendingPath), 20_000), 'the hand-over was recorded');
    const pending = JSON.parse(readFileSync(pendingPath, 'utf8')) as Array<{ package: string; path: string; sha256: string }>;
    assert.deepEqual(pending.map((entry) => entry.package), ['bigfront'], 'only what came by BitTorrent');
    assert.equal(pending[0]!.path, join(box.archives, debName('bigfront')));
    assert.equal(pending[0]!.sha256, sha256(repo.bytes('bigfront')));
  });

  it('python3-apt (the unattended-upgrades path): fetch_archives puts the verified .deb in the cache', async () => {
    const box = await fresh();
    const mark = mirror.requests.length;
    const { stdout } = await run('/usr/bin/python3', ['-c', PYTHON_APT_FETCH, 'bigfront'], { env: box.env, timeout: 120_000 });
    assert.match(stdout, /fetched bigfront/);
    const cached = readFileSync(join(box.archives, debName('bigfront')));
    assert.equal(sha256(cached), sha256(repo.bytes('bigfront')));
    assert.ok(servedSince(mark, 'bigfront') < cached.length * 0.2, `the mirror served ${servedSince(mark, 'bigfront')} bytes`);
  });
});
