import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseTorrent } from '../../src/bittorrent/torrent.js';
import { runCli, type Served } from '../helpers/cli.js';
import { sha256 } from '../helpers/hash.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { SlowDaemon } from '../helpers/slow-daemon.js';
import { aria2Leech, bareTorrent, publishWithTracker } from '../helpers/swarm.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { poll } from '../helpers/wait.js';

const MiB = 1024 * 1024;

describe('no gap between a verified file and the daemon\'s announce', () => {
  let site: ServedArchive;
  let tracker: Served;
  let daemon: SlowDaemon;
  const dir = tempDir('gap');

  before(async () => {
    site = await ServedArchive.start([{ name: 'bigdata', version: '1.0', payload: 6 * MiB }]);
    ({ tracker } = await publishWithTracker(site.archive.root, site.mirror.url));
    daemon = new SlowDaemon(join(dir, 'seed.sock'), [parseTorrent(readFileSync(`${site.archive.path('bigdata')}.torrent`)).infoHash]);
    await daemon.start();
  });

  after(async () => {
    await daemon?.stop();
    await tracker?.stop();
    await site?.stop();
    removeTempDir(dir);
  });

  it('a peer arriving after install verified the file, before the daemon announced it, is served by the installing machine', async () => {
    const box = await site.sandbox((sandbox) => {
      const configFile = join(sandbox.dir, 'xdg/apt-torrent/config.json');
      writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), stateDir: join(sandbox.dir, 'state'), seed: { enabled: true, socket: daemon.socket } }));
    });
    let installDone = false;
    const install = runCli(['install', '--prefetch', '-y', '-q', 'bigdata'], box.env).then((result) => {
      installDone = true;
      return result;
    });
    assert.ok(await poll(async () => daemon.added > 0, 30_000, 100), 'install handed the file over');
    // The daemon has not announced it; the mirror is not a web seed in this torrent: only the installing machine can serve.
    const leech = await aria2Leech(bareTorrent(`${site.archive.path('bigdata')}.torrent`, dir), { stopTimeoutS: 20, timeoutMs: 30_000 });
    assert.equal(leech.code, 0, 'aria2 got the file');
    assert.equal(installDone, false, 'install was still waiting for the daemon');
    assert.equal(sha256(readFileSync(join(leech.dir, site.archive.pool.get('bigdata')!.split('/').pop()!))), sha256(site.archive.bytes('bigdata')));
    daemon.release();
    const result = await install;
    assert.equal(result.code, 0, result.stderr);
    rmSync(leech.dir, { recursive: true, force: true });
  });
});
