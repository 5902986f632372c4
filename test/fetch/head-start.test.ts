import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestArchive } from '../helpers/archive.js';
import { runCli, type Served } from '../helpers/cli.js';
import type { TestMirror } from '../helpers/mirror.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { aria2Leech, bareTorrent, publishWithTracker } from '../helpers/swarm.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { sleep } from '../helpers/wait.js';

const MiB = 1024 * 1024;

/**
 * The head start: a new torrent file whose swarm the tracker says is empty
 * gets the mirror's bytes from its first byte on, over one connection, in
 * order, begun before BitTorrent is loaded; its pieces are shared as they
 * are checked, and the whole file's SHA256 comes from that one pass.
 */
describe('the head start of a torrent file nobody else has', () => {
  let site: ServedArchive;
  let repo: TestArchive;
  let mirror: TestMirror;
  let tracker: Served;
  const debName = (name: string) => repo.pool.get(name)!.split('/').pop()!;
  const requestsFor = (mark: number, name: string) => mirror.requests.slice(mark).filter((request) => request.path.endsWith(debName(name)));

  before(async () => {
    site = await ServedArchive.start([
      { name: 'alone', version: '1.0', payload: 6 * MiB },
      { name: 'forged', version: '1.0', payload: 3 * MiB },
      { name: 'shared', version: '1.0', payload: 4 * MiB },
    ]);
    ({ archive: repo, mirror } = site);
    ({ tracker } = await publishWithTracker(repo.root, mirror.url));
  });

  after(async () => {
    await tracker?.stop();
    await site?.stop();
  });

  it('fetches the whole file in one request from its first byte, every byte once, through the method', async () => {
    const box = await site.sandbox();
    const mark = mirror.requests.length;
    const result = await runCli(['download', 'alone'], box.env);
    assert.equal(result.code, 0, result.stderr);
    const requests = requestsFor(mark, 'alone');
    assert.equal(requests.length, 1, JSON.stringify(requests));
    assert.match(requests[0]!.range ?? 'bytes=0-', /^bytes=0-/);
    assert.equal(requests[0]!.bytes, repo.bytes('alone').length, 'every byte once from the mirror');
    assert.deepEqual(readFileSync(join(box.archives, debName('alone'))), repo.bytes('alone'));
  });

  it('refuses what the mirror forged: the SHA256 of its one pass is not the index\'s, and nothing reaches the cache', async () => {
    const box = await site.sandbox();
    const path = `/${repo.pool.get('forged')}`;
    mirror.faults.set(path, { kind: 'tamper' });
    try {
      const mark = mirror.requests.length;
      const result = await runCli(['download', '--prefetch', 'forged'], box.env);
      assert.notEqual(result.code, 0, result.stderr);
      assert.match(result.stderr, /forged_1\.0_all\.deb: SHA256 mismatch after BitTorrent download/);
      assert.equal(requestsFor(mark, 'forged').length, 1, 'the head start\'s one request: nothing else read the file');
      assert.equal(existsSync(join(box.archives, debName('forged'))), false);
      assert.deepEqual(readdirSync(box.archives).filter((name) => name.endsWith('.deb')), []);
    } finally {
      mirror.faults.delete(path);
    }
  });

  it('shares its pieces while it runs: a peer that cannot reach the mirror gets them from this machine', async () => {
    const box = await site.sandbox();
    const path = `/${repo.pool.get('shared')}`;
    // A busy mirror: the download takes about 4 s, time for a peer to arrive meanwhile.
    mirror.faults.set(path, { kind: 'slow', bytesPerSecond: MiB });
    const dir = tempDir('head-start-peer');
    try {
      const running = runCli(['download', 'shared'], box.env);
      await sleep(1500);
      // No web seed in its torrent: every byte it gets comes from the machine downloading.
      const leech = aria2Leech(bareTorrent(`${repo.path('shared')}.torrent`, dir), { stopTimeoutS: 8, timeoutMs: 20_000 });
      const result = await running;
      assert.equal(result.code, 0, result.stderr);
      const { dir: out } = await leech;
      const got = readFileSync(join(out, debName('shared')));
      const original = repo.bytes('shared');
      let same = 0;
      for (let at = 0; at + 16384 <= original.length; at += 16384) if (got.subarray(at, at + 16384).equals(original.subarray(at, at + 16384))) same += 1;
      assert.ok(same * 16384 >= MiB, `the peer holds ${same} blocks of 16 KiB of the file`);
    } finally {
      mirror.faults.delete(path);
      removeTempDir(dir);
    }
  });
});
