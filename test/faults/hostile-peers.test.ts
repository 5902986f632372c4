/**
 * Hostile peers against the seeding daemon (root, reachable by any peer on
 * the internet that knows an infohash it seeds): a peer announcing a 4 GiB
 * message and streaming, or sending a bitfield longer than the torrent, is
 * disconnected at once and banned, the daemon's memory stays bounded, and
 * its control socket keeps answering. Without the wire limits
 * (src/torrent/bounded-wire.ts) the stream was buffered with a copy of the
 * whole buffer per chunk: the event loop stalled for seconds at a time.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sendRequest } from '../../src/seed/control-client.js';
import { runCli } from '../helpers/cli.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { sleep } from '../helpers/wait.js';
import { startDaemon, waitForList, type Daemon } from '../seed/helpers/daemon.js';
import { MiB, SeedingSwarm } from '../seed/helpers/seeding-swarm.js';
import { memoryOf, watchPeak } from './helpers/peak-rss.js';

describe('hostile peers against the seeding daemon', () => {
  let swarm: SeedingSwarm;
  let daemon: Daemon;
  let port: number;
  let infoHash: string;
  const peers: RawPeer[] = [];
  const socket = () => join(swarm.box.dir, 'seed.sock');
  const connect = async (localAddress: string) => {
    const peer = await RawPeer.connect(port, { localAddress });
    peers.push(peer);
    return peer;
  };

  before(async () => {
    swarm = await SeedingSwarm.start();
    const installed = await runCli(['install', '--prefetch', '-y', 'bigdesk'], swarm.box.env);
    assert.equal(installed.code, 0, installed.stderr);
    daemon = await startDaemon(swarm.box.env);
    port = Number(/peers on port (\d+)/.exec(daemon.log())?.[1]);
    const [bigdesk] = await waitForList(swarm.box.env, (all) => all.some((torrent) => torrent.state === 'seeding'));
    infoHash = bigdesk!.infoHash;
  });
  after(async () => {
    for (const peer of peers) peer.destroy();
    await daemon?.stop();
    await swarm?.stop();
  });

  it('a 4 GiB message, then 50 MiB: dropped within a second and banned; memory bounded; `seeding list` answers throughout', async () => {
    const pid = daemon.child.pid!;
    const before = memoryOf(pid);
    const peak = watchPeak(pid);
    let slowest = 0;
    let answers = 0;
    let attacking = true;
    const pingUntil = Date.now() + 1000;
    const pinging = (async () => {
      while (attacking || Date.now() < pingUntil) {
        const started = Date.now();
        await sendRequest(socket(), { cmd: 'list' }, { timeoutMs: 10_000 });
        slowest = Math.max(slowest, Date.now() - started);
        answers += 1;
        await sleep(50);
      }
    })();
    let peer: RawPeer;
    let announced: number;
    let sent: number;
    try {
      peer = await connect('127.0.0.1');
      peer.handshake(infoHash);
      assert.ok(await peer.handshakeAnswered(), 'a peer like any other until it misbehaves');
      announced = Date.now();
      // 0x7f bytes: a parser that read 2^32 - 1 as -1 (a keep-alive) meets a 2 GiB length next.
      peer.message(Buffer.from([20]), 0xffffffff);
      sent = await peer.stream(50 * MiB, 0x7f);
      await Promise.race([peer.closed, sleep(5000)]);
    } finally {
      attacking = false;
      await pinging;
    }
    const peakMiB = peak.stop();
    assert.ok(answers > 0);
    assert.ok(slowest < 500, `the control socket took ${slowest} ms to answer (${answers} answers)`);
    assert.ok(peakMiB - before.peakMiB < 32, `peak RSS ${Math.round(before.peakMiB)} -> ${Math.round(peakMiB)} MiB`);
    assert.ok(peer.isClosed, `still connected after ${sent >> 20} MiB`);
    assert.ok(peer.closedAt! - announced < 1000, `dropped after ${peer.closedAt! - announced} ms`);

    const again = await connect('127.0.0.1');
    again.handshake(infoHash);
    assert.equal(await again.handshakeAnswered(2000), false, 'banned: its next connection is closed unanswered');
    assert.match(daemon.log(), /seeding \d+ file/);
  });

  it('a bitfield longer than the torrent has pieces is refused; the daemon seeds on', async () => {
    const liar = await connect('127.0.0.2');
    liar.handshake(infoHash);
    assert.ok(await liar.handshakeAnswered());
    // bigdesk: 3.02 MiB in 1 MiB pieces, 4 of them: a 2-byte bitfield message.
    liar.message(Buffer.from([5, 0xf0, 0]));
    await Promise.race([liar.closed, sleep(2000)]);
    assert.ok(liar.isClosed, 'a 3-byte bitfield for 4 pieces');
    const torrents = await waitForList(swarm.box.env, (all) => all.length === 1);
    assert.equal(torrents[0]!.state, 'seeding');
  });
});
