/**
 * The method's two ways to APT's sandbox user, end to end with a real
 * apt-get and a real swarm: dropping in-process (this machine's node), and,
 * on a node that refuses to change its ids (as Debian's nodejs 20.19 does,
 * faked here by helpers/refuse-ids.js), going on in a child started as the
 * user while the root process only relays.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { CHILD_FLAG } from '../../src/method/sandbox-child.js';
import type { TestArchive } from '../helpers/archive.js';
import { runCli } from '../helpers/cli.js';
import type { TestMirror } from '../helpers/mirror.js';
import { PublishedSwarm } from '../helpers/published-swarm.js';
import { watchProcesses, type SeenProcess } from '../helpers/proc-watch.js';
import { aptUpdate, createSandbox, installed, removeSandbox, type Sandbox } from '../helpers/sandbox.js';
import { poll } from '../helpers/wait.js';
import { METHOD } from '../method/method-client.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const preload = (name: string) => `--import=${pathToFileURL(fileURLToPath(new URL(`../helpers/${name}.js`, import.meta.url))).href}`;
const REFUSE_IDS = preload('refuse-ids');

describe('the method as APT\'s sandbox user (_apt)', () => {
  let swarm: PublishedSwarm;
  let repo: TestArchive;
  let mirror: TestMirror;
  let apt: { uid: number; gid: number };
  const boxes: Sandbox[] = [];
  const debName = (name: string) => swarm.debName(name);
  const servedSince = (mark: number, name: string) => swarm.servedSince(mark, name);

  before(async () => {
    assert.equal(process.getuid!(), 0, 'the test suite runs as root');
    apt = { uid: Number((await run('id', ['-u', '_apt'])).stdout.trim()), gid: Number((await run('id', ['-g', '_apt'])).stdout.trim()) };
    swarm = await PublishedSwarm.start([{ name: 'bigsand', version: '1.0', payload: 4 * MiB }, { name: 'smallsand', version: '1.0', payload: 20_000 }], 'bigsand');
    ({ repo, mirror } = swarm);
  });

  after(async () => {
    await swarm?.stop();
    for (const box of boxes) removeSandbox(box);
  });

  /** A sandboxed APT that runs the built method and drops to _apt, as APT's default does; `refuseIds` fakes Debian's node. */
  const fresh = async (options: { refuseIds: boolean; nodeOptions?: string; config?: Record<string, unknown> }) => {
    const box = createSandbox(`torrent+${mirror.url}`);
    boxes.push(box);
    // _apt must reach the sandbox, as it reaches /var/cache/apt on a real system.
    chmodSync(box.dir, 0o755);
    appendFileSync(join(box.dir, 'apt.conf'), `Dir::Bin::Methods::torrent+http "${METHOD}";\nAPT::Sandbox::User "_apt";\n`);
    box.env = { ...box.env, APT_TORRENT_SYSCONFDIR: join(box.dir, 'no-etc'), ...(options.refuseIds ? { NODE_OPTIONS: `${REFUSE_IDS} ${options.nodeOptions ?? ''}`.trim() } : {}) };
    const configFile = join(box.dir, 'xdg/apt-torrent/config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    writeFileSync(configFile, JSON.stringify({ ...config, torrent: { webSeedDelay: 30 }, ...options.config }));
    await aptUpdate(box);
    return box;
  };
  /** apt-get, watching every method process of this sandbox while it runs. */
  const aptGet = async (box: Sandbox, args: string[]) => {
    const watch = watchProcesses((_pid, cmdline, environ) => cmdline.includes(METHOD) && environ.includes(`APT_CONFIG=${box.env.APT_CONFIG}`));
    let output: string;
    try {
      const { stdout, stderr } = await run('apt-get', args, { env: box.env, timeout: 120_000 });
      output = stdout + stderr;
    } finally {
      watch.stop();
    }
    const seen = watch.stop();
    return { output, seen, children: seen.filter((proc) => proc.cmdline.includes(CHILD_FLAG)), parents: seen.filter((proc) => !proc.cmdline.includes(CHILD_FLAG)) };
  };
  const runsAsApt = (proc: SeenProcess) => proc.uids.every((id) => id === apt.uid) && proc.gids.every((id) => id === apt.gid) && proc.groups.every((id) => id === apt.gid);
  const leftRunning = (box: Sandbox) => {
    const watch = watchProcesses((_pid, cmdline, environ) => cmdline.includes(METHOD) && environ.includes(`APT_CONFIG=${box.env.APT_CONFIG}`));
    return watch.stop();
  };
  const assertOverBitTorrent = (box: Sandbox, output: string, mark: number) => {
    assert.equal(installed(box).get('bigsand'), '1.0', output);
    assert.match(output, /Get:\d+ torrent\+http:\/\/127\.0\.0\.1:\d+ stable\/main [a-z0-9]+ bigsand all 1\.0/, output);
    assert.doesNotMatch(output, /cannot become _apt|cannot start the method/);
    const size = repo.bytes('bigsand').length;
    assert.ok(servedSince(mark, 'bigsand') < size * 0.2, `the mirror served ${servedSince(mark, 'bigsand')} of ${size} bytes`);
    const own = join(box.dir, 'cache/apt-torrent-partial');
    assert.equal(statSync(own).uid, apt.uid, 'its own directory handed to _apt');
    assert.equal(statSync(join(own, 'torrents')).uid, apt.uid, 'written by _apt, not root');
  };

  it('on a node that can change its ids, the method drops in-process: it runs as _apt itself, and starts no child', async () => {
    const box = await fresh({ refuseIds: false });
    const mark = mirror.requests.length;
    const { output, children, parents } = await aptGet(box, ['install', '-y', 'bigsand', 'smallsand']);
    assertOverBitTorrent(box, output, mark);
    assert.deepEqual(children, [], 'no child');
    assert.ok(parents.some(runsAsApt), `a method process ended up as _apt: ${JSON.stringify(parents)}`);
  });

  it('on a node that refuses (as Debian\'s nodejs 20.19), a child started as _apt, with no other group, fetches over BitTorrent; the root process holds no TCP socket', async (t) => {
    const box = await fresh({ refuseIds: true });
    const mark = mirror.requests.length;
    const { output, children, parents } = await aptGet(box, ['install', '-y', 'bigsand', 'smallsand']);
    assertOverBitTorrent(box, output, mark);
    assert.equal(installed(box).get('smallsand'), '1.0');
    assert.equal(children.length, 1, `one child: ${JSON.stringify(children)}`);
    const child = children[0]!;
    t.diagnostic(`the child: Uid ${child.uids.join(' ')}, Gid ${child.gids.join(' ')}, Groups ${child.groups.join(' ') || '(none)'}`);
    assert.ok(runsAsApt(child), `the child runs as _apt (${apt.uid}:${apt.gid}), no other group: ${JSON.stringify(child)}`);
    assert.ok(child.tcp, 'the child is the one on the network (this check can see TCP sockets)');
    const root = parents.filter((proc) => proc.uids[0] === 0);
    assert.ok(root.length > 0, 'the root half was seen');
    assert.deepEqual(root.filter((proc) => proc.tcp).map((proc) => proc.pid), [], 'no root method process held a TCP socket');
    assert.deepEqual(parents.filter(runsAsApt), [], 'the root half never changed its ids');
    assert.ok(await poll(() => leftRunning(box).length === 0, 5_000), 'APT\'s end of the run ends both halves');
  });

  it('on such a node with seed.enabled, what the child fetched is handed to the seed agent the root half started', async () => {
    const box = await fresh({ refuseIds: true });
    const configFile = join(box.dir, 'xdg/apt-torrent/config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    writeFileSync(configFile, JSON.stringify({ ...config, seed: { ...config.seed, enabled: true } }));
    const { output, children } = await aptGet(box, ['install', '-y', '--download-only', 'bigsand', 'smallsand']);
    assert.equal(children.length, 1, output);
    assert.match(output, /Get:\d+ torrent\+http:\/\/127\.0\.0\.1:\d+ stable\/main [a-z0-9]+ bigsand all 1\.0/, output);
    const pendingPath = join(config.stateDir, 'pending-seeds.json');
    assert.ok(await poll(() => existsSync(pendingPath), 20_000), 'the hand-over was recorded');
    const pending = JSON.parse(readFileSync(pendingPath, 'utf8')) as Array<{ package: string; path: string }>;
    assert.deepEqual(pending.map((entry) => entry.package), ['bigsand'], 'only what came by BitTorrent');
    assert.equal(pending[0]!.path, join(box.archives, debName('bigsand')));
  });

  it('on such a node, `apt-torrent download` counts in its closing line the bytes the child took from peers', async () => {
    const box = await fresh({ refuseIds: true });
    const mark = mirror.requests.length;
    const result = await runCli(['download', 'bigsand', 'smallsand'], box.env);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.ok(servedSince(mark, 'bigsand') < repo.bytes('bigsand').length * 0.2, 'the big .deb came from peers');
    // The child's report line reaches the command through the descriptor the root half handed on.
    const line = /Fetched 2 files, .*: (.+) from peers, (.+) from the mirror/.exec(result.stderr);
    assert.ok(line, result.stderr);
    assert.notEqual(line[1], '0 B', `bytes from peers: ${result.stderr}`);
  });

  it('on such a node, when the child cannot be started as _apt, the root half sends every file to the mirror, saying why, and the install goes through', async () => {
    const box = await fresh({ refuseIds: true, nodeOptions: preload('refuse-spawn-as-user') });
    const mark = mirror.requests.length;
    const { output, seen } = await aptGet(box, ['install', '-y', 'bigsand', 'smallsand']);
    assert.equal(installed(box).get('bigsand'), '1.0', output);
    assert.equal(installed(box).get('smallsand'), '1.0');
    assert.match(output, /cannot start the method as _apt \(spawn EPERM\); fetching it from the mirror/);
    assert.equal(servedSince(mark, 'bigsand'), repo.bytes('bigsand').length, 'the whole file from the mirror');
    assert.deepEqual(seen.filter((proc) => proc.tcp).map((proc) => proc.cmdline.join(' ')), [], 'no method process on the network as root');
  });
});
