/**
 * A peer that breaks the wire protocol's limits on the listener a download
 * opens (the same adapter serves the seeding daemon: test/faults/hostile-peers):
 * it is disconnected at once and banned; the event loop and memory stay
 * free. Without harden.ts, the 4 GiB case buffers the stream with a copy of
 * the whole buffer per chunk: seconds of event loop stalled, and memory
 * growing with every byte.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildTorrent } from '../../src/bittorrent/torrent.js';
import { TorrentClient } from '../../src/torrent/client.js';
import type { TorrentHandle } from '../../src/torrent/torrent-handle.js';
import { piecesOf } from '../helpers/hash.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { sleep } from '../helpers/wait.js';

const MiB = 1024 * 1024;
const PIECE = 256 * 1024;
/** 16 pieces: a bitfield is 1 + 2 bytes. */
const data = randomBytes(4 * MiB);

describe('hostile peers on the listener of a download', () => {
  const dir = tempDir('hostile-peers');
  let client: TorrentClient;
  let handle: TorrentHandle;
  let infoHash: string;
  const peers: RawPeer[] = [];
  const connect = async (localAddress: string) => {
    const peer = await RawPeer.connect(client.port, { localAddress });
    peers.push(peer);
    return peer;
  };

  before(async () => {
    const info = { name: 'victim_1.0_all.deb', length: data.length, pieceLength: PIECE, pieces: piecesOf(data, PIECE) };
    client = await TorrentClient.open({ port: 0, dht: false, lsd: false, utp: false });
    handle = await client.download(buildTorrent(info, { trackers: [], webSeeds: [] }), dir, { maxWebConns: 1 });
    infoHash = (await import('../../src/bittorrent/torrent.js')).infoHashOf(info);
  });
  after(async () => {
    for (const peer of peers) peer.destroy();
    await handle?.destroy();
    await client?.destroy();
    removeTempDir(dir);
  });

  it('a peer announcing a 4 GiB message, then streaming 50 MiB: dropped at once and banned; no stall, no memory taken', async () => {
    const peer = await connect('127.0.0.1');
    peer.handshake(infoHash);
    assert.ok(await peer.handshakeAnswered(), 'a peer like any other until it misbehaves');
    let worstLag = 0;
    let last = Date.now();
    const lag = setInterval(() => {
      worstLag = Math.max(worstLag, Date.now() - last - 10);
      last = Date.now();
    }, 10);
    const rssBefore = process.memoryUsage().rss;
    const announced = Date.now();
    // 0x7f bytes: a library that read 2^32 - 1 as -1 (a keep-alive) meets a 2 GiB length next.
    peer.message(Buffer.from([20]), 0xffffffff);
    const sent = await peer.stream(50 * MiB, 0x7f);
    await Promise.race([peer.closed, sleep(5000)]);
    clearInterval(lag);
    const grew = process.memoryUsage().rss - rssBefore;
    assert.ok(peer.isClosed, `still connected after ${sent >> 20} MiB`);
    assert.ok(peer.closedAt! - announced < 1000, `dropped after ${peer.closedAt! - announced} ms`);
    assert.ok(worstLag < 250, `the event loop stalled ${worstLag} ms`);
    assert.ok(grew < 64 * MiB, `RSS grew ${grew >> 20} MiB`);

    const again = await connect('127.0.0.1');
    again.handshake(infoHash);
    assert.equal(await again.handshakeAnswered(2000), false, 'banned: its next connection is closed unanswered');
    assert.ok(again.isClosed);
  });

  it('a bitfield longer than the torrent has pieces is refused; one of the right length is taken', async () => {
    const liar = await connect('127.0.0.2');
    liar.handshake(infoHash);
    assert.ok(await liar.handshakeAnswered());
    liar.message(Buffer.from([5, 0xff, 0xff, 0]));
    await Promise.race([liar.closed, sleep(2000)]);
    assert.ok(liar.isClosed, 'a 4-byte bitfield for 16 pieces');

    const honest = await connect('127.0.0.3');
    honest.handshake(infoHash);
    assert.ok(await honest.handshakeAnswered());
    honest.message(Buffer.from([5, 0xff, 0xff]));
    honest.message(Buffer.alloc(0));
    await sleep(500);
    assert.ok(!honest.isClosed, 'a 3-byte bitfield and a keep-alive');
    assert.equal(handle.peers(), 1);
  });
});
