/**
 * The seed agent file by file: the bridge is told to serve each file at
 * once, and to drop it only when the daemon lists it announced, or when it
 * is clear nobody will announce it (other bytes, no daemon).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HandoffAgent, type BridgeOrders } from '../../src/method/handoff-agent.js';
import { sha256 } from '../helpers/hash.js';
import { SlowDaemon } from '../helpers/slow-daemon.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { poll, sleep } from '../helpers/wait.js';

const line = (cacheName: string, body: Buffer, infoHash: string) => JSON.stringify({
  infoHash,
  file: {
    uri: `http://127.0.0.1:1/pool/${cacheName}`, cacheName, size: body.length, sha256: sha256(body), package: cacheName.split('_')[0], version: '1.0', architecture: 'all',
    route: 'torrent', repoUri: 'http://127.0.0.1:1/', release: 'stable', torrent: { torrentUrl: `file:///kept/${infoHash}.torrent`, infoHash, pieceLength: 1 << 20, trackers: ['http://127.0.0.1:1/announce'] },
  },
});

class Orders implements BridgeOrders {
  readonly log: string[] = [];
  ended = false;
  serve(file: Parameters<BridgeOrders['serve']>[0]): void {
    this.log.push(`serve ${file.infoHash.slice(0, 1)} ${file.path} ${file.partial} ${file.torrent}`);
  }
  drop(infoHash: string): void {
    this.log.push(`drop ${infoHash.slice(0, 1)}`);
  }
  end(): void {
    this.ended = true;
  }
}

const TIMES = { appearMs: 500, announceStallMs: 3000, pollMs: 50 };

describe('the seed agent, file by file', () => {
  const dir = tempDir('handoff-agent');
  const archives = join(dir, 'archives');
  mkdirSync(archives);
  const good = Buffer.from('the verified package');
  writeFileSync(join(archives, 'good_1.0_all.deb'), good);
  writeFileSync(join(archives, 'other_1.0_all.deb'), Buffer.from('other bytes, same size'));
  after(() => removeTempDir(dir));

  it('has the bridge serve a file at once and drop it once the daemon lists it announced; drops at once what fails its check', async () => {
    const daemon = new SlowDaemon(join(dir, 'seed.sock'), ['a'.repeat(40)]);
    await daemon.start();
    try {
      const orders = new Orders();
      const agent = new HandoffAgent({ stateDir: join(dir, 'state'), socket: daemon.socket, archives }, orders, TIMES);
      agent.line(line('good_1.0_all.deb', good, 'a'.repeat(40)));
      agent.line(line('other_1.0_all.deb', Buffer.from('announced bytes, same s'), 'b'.repeat(40)));
      assert.deepEqual(orders.log, [
        `serve a ${join(archives, 'good_1.0_all.deb')} ${join(archives, 'partial/good_1.0_all.deb')} /kept/${'a'.repeat(40)}.torrent`,
        `serve b ${join(archives, 'other_1.0_all.deb')} ${join(archives, 'partial/other_1.0_all.deb')} /kept/${'b'.repeat(40)}.torrent`,
      ], 'told before any check');
      assert.ok(await poll(() => daemon.added > 0 && daemon.lists > 2, 5000, 20), 'the daemon told while the method still runs, and asked');
      assert.deepEqual(orders.log.slice(2), ['drop b'], 'the file with other bytes dropped; the good one served while the daemon checks it');
      const ending = agent.end();
      await sleep(300);
      assert.equal(orders.ended, false, 'the agent waits for the daemon');
      daemon.release();
      assert.equal(await ending, 1);
      assert.deepEqual(orders.log.slice(2), ['drop b', 'drop a']);
      assert.equal(orders.ended, true);
    } finally {
      await daemon.stop();
    }
  });

  it('with no daemon to take it, the file is dropped once recorded: it is seeded when the daemon starts, and nobody announces it meanwhile', async () => {
    const orders = new Orders();
    const agent = new HandoffAgent({ stateDir: join(dir, 'state2'), socket: join(dir, 'no.sock'), archives }, orders, TIMES);
    agent.line(line('good_1.0_all.deb', good, 'c'.repeat(40)));
    assert.equal(await agent.end(), 1);
    assert.deepEqual(orders.log.slice(1), ['drop c']);
    assert.equal(orders.ended, true);
  });

  it('stops waiting when the daemon announces none of the files for announceStallMs', async () => {
    const daemon = new SlowDaemon(join(dir, 'stall.sock'), ['d'.repeat(40)]);
    await daemon.start();
    try {
      const orders = new Orders();
      const agent = new HandoffAgent({ stateDir: join(dir, 'state3'), socket: daemon.socket, archives }, orders, { ...TIMES, announceStallMs: 400 });
      agent.line(line('good_1.0_all.deb', good, 'd'.repeat(40)));
      const started = Date.now();
      assert.equal(await agent.end(), 1);
      assert.ok(Date.now() - started < 3000, 'bounded');
      assert.deepEqual(orders.log.slice(1), ['drop d']);
    } finally {
      await daemon.stop();
    }
  });
  it('takes no link, no FIFO, no file grown past its size and none but root\'s in APT\'s cache, and is not held up by them', async () => {
    const orders = new Orders();
    // No daemon: what would be taken is only recorded; nothing here may be taken at all.
    const agent = new HandoffAgent({ stateDir: join(dir, 'state-hostile'), socket: join(dir, 'nobody.sock'), archives }, orders, TIMES);
    const body = Buffer.from('a package of its size');
    writeFileSync(join(dir, 'elsewhere'), body);
    symlinkSync(join(dir, 'elsewhere'), join(archives, 'linked_1.0_all.deb'));
    execFileSync('mkfifo', [join(archives, 'fifo_1.0_all.deb')]);
    writeFileSync(join(archives, 'grown_1.0_all.deb'), Buffer.concat([body, Buffer.from(' and more')]));
    // The right bytes, but the sandbox user's file: whoever owns it can change it after the check.
    writeFileSync(join(archives, 'theirs_1.0_all.deb'), body);
    chownSync(join(archives, 'theirs_1.0_all.deb'), Number(execFileSync('id', ['-u', '_apt'], { encoding: 'utf8' })), 0);
    agent.line(line('linked_1.0_all.deb', body, 'c'.repeat(40)));
    agent.line(line('fifo_1.0_all.deb', body, 'd'.repeat(40)));
    agent.line(line('grown_1.0_all.deb', body, 'e'.repeat(40)));
    agent.line(line('theirs_1.0_all.deb', body, 'f'.repeat(40)));
    const ended = await Promise.race([agent.end(), sleep(5000).then(() => 'stuck')]);
    assert.equal(ended, 0, 'ended, and recorded none of them');
    assert.deepEqual(orders.log.filter((entry) => entry.startsWith('drop')).sort(), ['drop c', 'drop d', 'drop e', 'drop f']);
  });
});
