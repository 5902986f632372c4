import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestArchive } from '../helpers/archive.js';
import { runCli, startCli, type Served } from '../helpers/cli.js';
import { sha256 } from '../helpers/hash.js';
import type { TestMirror } from '../helpers/mirror.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { publishWithTracker, seedDir, startOurSeeder } from '../helpers/swarm.js';
import { poll } from '../helpers/wait.js';

const MiB = 1024 * 1024;

describe('slow peers and interrupted torrent downloads', () => {
  let site: ServedArchive;
  let repo: TestArchive;
  let mirror: TestMirror;
  let tracker: Served;
  const deb = () => repo.path('slowdata');

  before(async () => {
    site = await ServedArchive.start([{ name: 'slowdata', version: '1.0', payload: 6 * MiB }]);
    ({ archive: repo, mirror } = site);
    ({ tracker } = await publishWithTracker(repo.root, mirror.url));
  });

  after(async () => {
    await tracker?.stop();
    await site?.stop();
  });

  /** A sandbox whose apt-torrent has these torrent settings. */
  const fresh = (torrent: Record<string, unknown>) => site.sandbox((box) => {
    writeFileSync(join(box.dir, 'xdg/apt-torrent/config.json'), JSON.stringify({ stateDir: join(box.dir, 'state'), torrent }));
  });

  it('a peer that trickles (50 KB/s) does not hold the file hostage: the mirror joins after the delay', async () => {
    const slow = await startOurSeeder(`${deb()}.torrent`, seedDir(deb()), { uploadLimit: 50_000 });
    try {
      const box = await fresh({ webSeedDelay: 1, stallSeconds: 3 });
      const started = Date.now();
      const result = await runCli(['download', '--prefetch', 'slowdata'], box.env);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(Date.now() - started < 20_000, 'bounded: 6 MiB at 50 KB/s alone would take two minutes');
      assert.match(result.stderr, /torrent: .* from peers, .* from the mirror/);
      assert.equal(sha256(readFileSync(join(box.archives, 'slowdata_1.0_all.deb'))), sha256(repo.bytes('slowdata')));
    } finally {
      await slow.stop();
    }
  });

  it('a torrent download killed with -9 resumes: the next run keeps the verified pieces', async () => {
    const seeder = await startOurSeeder(`${deb()}.torrent`, seedDir(deb()), { uploadLimit: 1_000_000 });
    try {
      // The mirror stays out (long delay) so only the slow peer feeds the first run.
      const box = await fresh({ webSeedDelay: 600, minPeerRate: 1 });
      const first = startCli(['download', '--prefetch', 'slowdata'], box.env);
      const partialDir = join(box.archives, 'partial/apt-torrent');
      const partialFile = () => {
        if (!existsSync(partialDir)) return undefined;
        const [hash] = readdirSync(partialDir);
        const file = hash ? join(partialDir, hash, 'slowdata_1.0_all.deb') : undefined;
        return file && existsSync(file) ? file : undefined;
      };
      await poll(() => {
        const file = partialFile();
        return file !== undefined && statSync(file).size >= 3 * MiB;
      }, 10_000);
      first.child.kill('SIGKILL');
      await first.done;
      assert.equal(existsSync(join(box.archives, 'slowdata_1.0_all.deb')), false, 'nothing unverified in the cache');
      assert.ok(partialFile(), 'the partial torrent data is kept');
      await seeder.stop();

      // No peers now (the tracker's scrape says so), default settings: the kept pieces
      // still take the torrent path, and the mirror as web seed sends only what is missing.
      writeFileSync(join(box.dir, 'xdg/apt-torrent/config.json'), JSON.stringify({ stateDir: join(box.dir, 'state') }));
      const mark = mirror.requests.length;
      const again = await runCli(['download', '--prefetch', 'slowdata'], box.env);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /torrent: 0 B from peers/);
      const fromMirror = mirror.requests.slice(mark).filter((request) => request.path.endsWith('.deb')).reduce((sum, request) => sum + request.bytes, 0);
      assert.ok(fromMirror < repo.bytes('slowdata').length * 0.8, `mirror sent ${fromMirror} bytes: the kept pieces were not fetched again`);
      assert.equal(sha256(readFileSync(join(box.archives, 'slowdata_1.0_all.deb'))), sha256(repo.bytes('slowdata')));
    } finally {
      await seeder.stop();
    }
  });
});
