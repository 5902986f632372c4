/**
 * A seed's peer that stalls after its handshake, or wants nothing, is
 * disconnected once it got no byte for `idlePeerMs`; without it webtorrent
 * keeps it for good (in the seeding daemon: its torrent never sleeps, and
 * seed.maxActive such peers turn everyone else away).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildTorrent, infoHashOf } from '../../src/bittorrent/torrent.js';
import { TorrentClient } from '../../src/torrent/client.js';
import type { TorrentHandle } from '../../src/torrent/torrent-handle.js';
import { piecesOf } from '../helpers/hash.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { sleep } from '../helpers/wait.js';

const PIECE = 16 * 1024;
const data = randomBytes(4 * PIECE);

describe('idle peers of a seeded torrent', () => {
  const dir = tempDir('idle-seed-peers');
  let client: TorrentClient;
  let handle: TorrentHandle;
  let infoHash: string;
  const peers: RawPeer[] = [];

  before(async () => {
    const info = { name: 'idle_1.0_all.deb', length: data.length, pieceLength: PIECE, pieces: piecesOf(data, PIECE) };
    writeFileSync(join(dir, info.name), data);
    infoHash = infoHashOf(info);
    client = await TorrentClient.open({ port: 0, dht: false, lsd: false, utp: false, tracker: false });
    handle = client.seed(buildTorrent(info, { trackers: [], webSeeds: [] }), dir, { idlePeerMs: 1000 });
    await handle.ready(10_000);
  });
  after(async () => {
    for (const peer of peers) peer.destroy();
    await handle?.destroy();
    await client?.destroy();
    removeTempDir(dir);
  });

  it('disconnects a peer that handshakes and then sends nothing, once it got no byte for idlePeerMs', async () => {
    const peer = await RawPeer.connect(client.port);
    peers.push(peer);
    peer.handshake(infoHash);
    assert.ok(await peer.handshakeAnswered(), 'answered like any peer');
    assert.equal(handle.peers(), 1);
    await sleep(400);
    assert.ok(!peer.isClosed, 'closed before idlePeerMs');
    await Promise.race([peer.closed, sleep(4000)]);
    assert.ok(peer.isClosed, 'a stalled peer is still connected');
    assert.equal(handle.peers(), 0);
  });

  it('disconnects a peer that says it is interested, is unchoked, and then never asks for a block', async () => {
    const peer = await RawPeer.connect(client.port);
    peers.push(peer);
    peer.handshake(infoHash);
    assert.ok(await peer.handshakeAnswered());
    // interested (id 2): webtorrent unchokes it at once; it is not waiting for its turn.
    peer.message(Buffer.from([2]));
    await Promise.race([peer.closed, sleep(4000)]);
    assert.ok(peer.isClosed, 'an interested peer that never requests is still connected');
  });
});
