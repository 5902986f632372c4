import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, type Served } from '../helpers/cli.js';
import { sha256 } from '../helpers/hash.js';
import type { Proc } from '../helpers/proc.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { publishWithTracker, seedDir, startOurSeeder } from '../helpers/swarm.js';
import { sleep } from '../helpers/wait.js';

const MiB = 1024 * 1024;

/**
 * Two machines of ours on a busy mirror (1 MiB/s a request) with one
 * trickling seeder: the first is still downloading when the second comes,
 * and the second takes the pieces the first already has from it, instead
 * of from the mirror.
 */
describe('a late leecher and an early one still downloading', () => {
  let site: ServedArchive;
  let tracker: Served;
  let trickle: Proc | undefined;

  before(async () => {
    site = await ServedArchive.start([{ name: 'bigdata', version: '1.0', payload: 12 * MiB }]);
    ({ tracker } = await publishWithTracker(site.archive.root, site.mirror.url));
    // A seeder in the tracker's answer: neither machine takes the whole file over plain HTTP at once.
    trickle = await startOurSeeder(`${site.archive.path('bigdata')}.torrent`, seedDir(site.archive.path('bigdata')), { uploadLimit: 20_000 });
    site.mirror.faults.set(`/${site.archive.pool.get('bigdata')}`, { kind: 'slow', bytesPerSecond: MiB });
  });

  after(async () => {
    await trickle?.stop();
    await tracker?.stop();
    await site?.stop();
  });

  const machine = () => site.sandbox((box) => {
    const configFile = join(box.dir, 'xdg/apt-torrent/config.json');
    writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), torrent: { webSeedDelay: 1 } }));
  });
  const fromPeers = (stderr: string) => {
    const match = /([\d.]+) (B|KiB|MiB) from peers/.exec(stderr);
    assert.ok(match, stderr);
    return Number(match[1]) * ({ B: 1, KiB: 1024, MiB } as Record<string, number>)[match[2]!]!;
  };

  it('the late one gets the early one\'s pieces from it while it downloads', async () => {
    const [early, late] = [await machine(), await machine()];
    let earlyDone = false;
    const first = runCli(['download', 'bigdata'], early.env).then((result) => {
      earlyDone = true;
      return result;
    });
    await sleep(3000);
    assert.equal(earlyDone, false, 'the early machine is still downloading');
    const startedMs = Date.now();
    const second = await runCli(['download', 'bigdata'], late.env);
    const secondMs = Date.now() - startedMs;
    assert.equal(second.code, 0, second.stderr);
    const result = await first;
    assert.equal(result.code, 0, result.stderr);
    // The trickling seeder alone could have given the late machine this much at most.
    const trickled = 20_000 * (secondMs / 1000) + 256 * 1024;
    assert.ok(fromPeers(second.stderr) > trickled + 2 * MiB, `the late machine got ${fromPeers(second.stderr)} bytes from peers in ${secondMs} ms; the trickle gives ${trickled}`);
    const name = site.archive.pool.get('bigdata')!.split('/').pop()!;
    assert.equal(sha256(readFileSync(join(late.archives, name))), sha256(site.archive.bytes('bigdata')));
  });
});
