/**
 * `serve` makes torrents on demand, and hashing is what a client can make
 * it do at length. A tree it cannot write must not mean a re-hash per GET
 * or HEAD, and a flood of first requests must not mean unbounded hashing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BusyError, HASH_QUEUE, HASH_SLOTS, TorrentMaker, type TorrentJob } from '../../src/serve/torrent-maker.js';

describe('serve: on-demand torrents are bounded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'apt-torrent-serve-hashing-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  // A target under a regular file cannot be created, even by root: the tree is "read-only".
  const blocker = join(dir, 'not-a-directory');
  writeFileSync(blocker, '');
  const job = (name: string, size = 3 * 1024 * 1024): TorrentJob => {
    const source = join(dir, name);
    writeFileSync(source, Buffer.alloc(size, name));
    return { filename: `pool/main/${name}`, source, size, target: join(blocker, `${name}.torrent`), locations: { trackers: [], webSeeds: [`http://127.0.0.1:1/pool/main/${name}`] } };
  };

  it('hashes a file once when its torrent cannot be stored, then answers from memory', async () => {
    const logs: string[] = [];
    const maker = new TorrentMaker((message) => logs.push(message));
    const one = job('one_1.0_all.deb');
    const first = await maker.get(one, 1000);
    assert.equal(first.stored, false);
    for (let i = 0; i < 20; i += 1) assert.deepEqual((await maker.get(one, 1000)).bytes, first.bytes);
    assert.equal(maker.hashed, 1);
    assert.equal(logs.filter((line) => line.startsWith('warning: cannot store')).length, 1);
    // A changed file (another mtime) is hashed anew.
    await maker.get(one, 2000);
    assert.equal(maker.hashed, 2);
  });

  it(`hashes at most ${HASH_SLOTS} files at once, queues ${HASH_QUEUE} more and turns the rest away`, async () => {
    const maker = new TorrentMaker(() => {});
    const jobs = Array.from({ length: HASH_SLOTS + HASH_QUEUE + 6 }, (_, i) => job(`flood${i}_1.0_all.deb`, 256 * 1024));
    const results = await Promise.allSettled(jobs.map((each) => maker.get(each)));
    const busy = results.filter((result) => result.status === 'rejected' && result.reason instanceof BusyError);
    assert.equal(busy.length, 6);
    assert.equal(results.filter((result) => result.status === 'fulfilled').length, HASH_SLOTS + HASH_QUEUE);
    assert.equal(maker.hashed, HASH_SLOTS + HASH_QUEUE);
    // Once the flood has drained, new work is taken again.
    await maker.get(jobs.at(-1)!);
    assert.equal(maker.hashed, HASH_SLOTS + HASH_QUEUE + 1);
  });
});
