/**
 * No gap in availability on the method path: from the 201 until the
 * seeding daemon has announced a file, this machine serves it. APT ends the
 * method as soon as its last file is done and the daemon takes the file
 * only later; here the daemon holds it as 'checking' until released, the
 * only other seeder is stopped and the mirror answers 404, so a peer that
 * asks right after apt-get's run can get the file from this machine alone:
 * from the bridge the seed agent started as _apt.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parseTorrent } from '../../src/bittorrent/torrent.js';
import { sha256 } from '../helpers/hash.js';
import { watchProcesses } from '../helpers/proc-watch.js';
import { PublishedSwarm } from '../helpers/published-swarm.js';
import { aptUpdate, createSandbox, removeSandbox, type Sandbox } from '../helpers/sandbox.js';
import { SlowDaemon } from '../helpers/slow-daemon.js';
import { aria2Leech, bareTorrent } from '../helpers/swarm.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { poll } from '../helpers/wait.js';
import { METHOD } from '../method/method-client.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const BRIDGE = new URL('../../src/method/seed-bridge.js', import.meta.url).pathname;

describe('the method path leaves no gap between a verified file and the daemon\'s announce', () => {
  let swarm: PublishedSwarm;
  let daemon: SlowDaemon;
  let box: Sandbox | undefined;
  let aptUid: number;
  const dir = tempDir('method-gap');

  before(async () => {
    assert.equal(process.getuid!(), 0, 'the test suite runs as root');
    aptUid = Number((await run('id', ['-u', '_apt'])).stdout.trim());
    swarm = await PublishedSwarm.start([{ name: 'biggap', version: '1.0', payload: 6 * MiB }], 'biggap');
    chmodSync(dir, 0o755);
    daemon = new SlowDaemon(join(dir, 'seed.sock'), [parseTorrent(readFileSync(`${swarm.debPath('biggap')}.torrent`)).infoHash]);
    await daemon.start();
  });

  after(async () => {
    await daemon?.stop();
    await swarm?.stop();
    if (box) removeSandbox(box);
    removeTempDir(dir);
  });

  it('a peer asking right after apt-get ended, before the daemon announced the file, gets it from this machine; once announced, the bridge goes', async (t) => {
    box = createSandbox(`torrent+${swarm.mirror.url}`);
    // _apt must reach the sandbox, as it reaches /var/cache/apt on a real system.
    chmodSync(box.dir, 0o755);
    appendFileSync(join(box.dir, 'apt.conf'), `Dir::Bin::Methods::torrent+http "${METHOD}";\nAPT::Sandbox::User "_apt";\n`);
    box.env = { ...box.env, APT_TORRENT_SYSCONFDIR: join(box.dir, 'no-etc') };
    const configFile = join(box.dir, 'xdg/apt-torrent/config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    writeFileSync(configFile, JSON.stringify({ ...config, torrent: { webSeedDelay: 30 }, seed: { ...config.seed, enabled: true, socket: daemon.socket, uploadLimit: 0 } }));
    await aptUpdate(box);

    const bridges = watchProcesses((_pid, cmdline, environ) => cmdline.includes(BRIDGE) && environ.includes(`APT_CONFIG=${box!.env.APT_CONFIG}`));
    let seen;
    try {
      const { stdout, stderr } = await run('apt-get', ['install', '--download-only', '-y', 'biggap'], { env: box.env, timeout: 120_000 });
      const ended = Date.now();
      assert.match(stdout + stderr, /Get:\d+ torrent\+http:\/\/127\.0\.0\.1:\d+ stable\/main [a-z0-9]+ biggap all 1\.0/);
      // Nobody else has the file now: the other seeder is gone, the mirror answers 404, and the torrent the peer uses names no web seed.
      await swarm.stopSeeder();
      swarm.mirror.faults.set(`/${swarm.repo.pool.get('biggap')}`, { kind: 'status', status: 404, times: 1000 });
      const leech = await aria2Leech(bareTorrent(`${swarm.debPath('biggap')}.torrent`, dir), { stopTimeoutS: 20, timeoutMs: 40_000 });
      t.diagnostic(`the peer had the file ${Date.now() - ended} ms after apt-get ended (aria2's start and transfer included)`);
      assert.equal(leech.code, 0, 'the peer got the file');
      assert.equal(sha256(readFileSync(join(leech.dir, swarm.debName('biggap')))), sha256(swarm.repo.bytes('biggap')));
      rmSync(join(leech.dir, '..'), { recursive: true, force: true });
      assert.ok(daemon.added > 0, 'the daemon was handed the file');
      daemon.release();
      assert.ok(await poll(() => watchProcesses((_pid, cmdline, environ) => cmdline.includes(BRIDGE) && environ.includes(`APT_CONFIG=${box!.env.APT_CONFIG}`)).stop().length === 0, 15_000, 100), 'the bridge ended once the daemon announced the file');
    } finally {
      seen = bridges.stop();
    }
    assert.ok(seen.length > 0, 'a bridge served');
    assert.ok(seen.every((proc) => proc.uids.every((id) => id === aptUid)), `the bridge ran as _apt: ${JSON.stringify(seen)}`);
  });
});
