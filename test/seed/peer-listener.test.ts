import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { listenPeers, type PeerListener } from '../../src/seed/peer-listener.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { poll } from '../helpers/wait.js';

const INFOHASH = 'c0ffee'.padEnd(40, '1');

describe('the seeding daemon\'s peer listener', () => {
  let listener: PeerListener;
  const handed: Array<{ infoHash: string; head: Buffer; socket: Socket }> = [];
  const blocked = new Set<string>();

  before(async () => {
    listener = await listenPeers({
      port: 0,
      maxPending: 3,
      maxPendingPerAddress: 3,
      handshakeTimeoutMs: 800,
      isBlocked: (address) => blocked.has(address.replace(/^::ffff:/, '')),
      onPeer: (infoHash, socket, head) => handed.push({ infoHash, head, socket }),
    });
  });

  after(async () => {
    for (const { socket } of handed) socket.destroy();
    await listener.close();
  });

  it('reads the handshake head, even split in pieces, and hands the peer on with every byte read so far', async () => {
    const peer = await RawPeer.connect(listener.port);
    const bytes = Buffer.concat([Buffer.from('\x13BitTorrent protocol', 'latin1'), Buffer.alloc(8), Buffer.from(INFOHASH, 'hex'), Buffer.alloc(20, 7), Buffer.from([0, 0, 0, 0])]);
    peer.send(bytes.subarray(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(handed.length, 0);
    peer.send(bytes.subarray(10));
    assert.ok(await poll(() => handed.length === 1, 2000, 10));
    assert.equal(handed[0]!.infoHash, INFOHASH);
    assert.deepEqual(handed[0]!.head, bytes, 'the keep-alive after it too');
    peer.destroy();
  });

  it('closes at once what cannot be a BitTorrent handshake (HTTP, an encrypted start)', async () => {
    for (const start of [Buffer.from('GET / HTTP/1.1\r\n'), Buffer.from([0x8f, 0x01, 0x02])]) {
      const peer = await RawPeer.connect(listener.port);
      peer.send(start);
      await peer.closed;
    }
    assert.equal(handed.length, 1);
  });

  it('closes a peer that does not finish its handshake in time', async () => {
    const peer = await RawPeer.connect(listener.port);
    peer.send(Buffer.from('\x13Bit', 'latin1'));
    const started = Date.now();
    await peer.closed;
    assert.ok(Date.now() - started >= 600, 'after the deadline');
    assert.equal(listener.pending(), 0);
  });

  it('holds at most maxPending connections in their handshake: more are closed unread', async () => {
    const silent = await Promise.all([1, 2, 3].map(() => RawPeer.connect(listener.port)));
    assert.ok(await poll(() => listener.pending() === 3, 2000, 10));
    const extra = await RawPeer.connect(listener.port);
    await extra.closed;
    assert.ok(silent.every((peer) => !peer.isClosed));
    for (const peer of silent) peer.destroy();
  });

  it('closes a banned address before reading anything', async () => {
    blocked.add('127.0.0.5');
    const peer = await RawPeer.connect(listener.port, { localAddress: '127.0.0.5' });
    peer.handshake(INFOHASH);
    await peer.closed;
    assert.equal(handed.length, 1);
  });
});

describe('the peer listener, against one host that opens connections and says nothing', () => {
  it('holds at most maxPendingPerAddress of them in their handshake; another host still gets in', async () => {
    const listener = await listenPeers({ port: 0, maxPending: 10, maxPendingPerAddress: 2, handshakeTimeoutMs: 5000, isBlocked: () => false, onPeer: (_infoHash, socket) => socket.destroy() });
    const peers: RawPeer[] = [];
    try {
      for (let count = 0; count < 2; count += 1) peers.push(await RawPeer.connect(listener.port, { localAddress: '127.0.0.7' }));
      assert.ok(await poll(() => listener.pending() === 2, 2000, 10));
      const third = await RawPeer.connect(listener.port, { localAddress: '127.0.0.7' });
      peers.push(third);
      await Promise.race([third.closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
      assert.ok(third.isClosed, 'a third silent connection from the same host is held too');
      const other = await RawPeer.connect(listener.port, { localAddress: '127.0.0.8' });
      peers.push(other);
      assert.ok(await poll(() => listener.pending() === 3, 2000, 10), 'another host is let in');
      assert.ok(!other.isClosed);
      // A slot freed by a handshake goes back to its host.
      peers[0]!.destroy();
      assert.ok(await poll(() => listener.pending() === 2, 2000, 10));
      const again = await RawPeer.connect(listener.port, { localAddress: '127.0.0.7' });
      peers.push(again);
      assert.ok(await poll(() => listener.pending() === 3, 2000, 10));
      assert.ok(!again.isClosed);
    } finally {
      for (const peer of peers) peer.destroy();
      await listener.close();
    }
  });
});
