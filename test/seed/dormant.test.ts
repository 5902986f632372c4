import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Server } from 'bittorrent-tracker';
import { buildTorrent } from '../../src/bittorrent/torrent.js';
import { runCli } from '../helpers/cli.js';
import { cleanEnv } from '../helpers/env.js';
import { piecesOf, sha256 } from '../helpers/hash.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { aria2Leech } from '../helpers/swarm.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { poll } from '../helpers/wait.js';
import { startDaemon, waitForList, type Daemon } from './helpers/daemon.js';
import { candidate } from './helpers/fixtures.js';

const COUNT = 60;

describe('every seeded package available at once: sleeping torrents are announced and woken by the peer that asks', () => {
  const tracker = new Server({ http: false, udp: false, ws: false, stats: false });
  tracker.on('warning', () => {});
  const http: HttpServer = createServer((request, response) => tracker.onHttpRequest(request, response, { action: 'announce' }));
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let daemon: Daemon | undefined;
  let port: number;
  let announce: string;
  const data = Array.from({ length: COUNT }, () => randomBytes(40_000));
  let records: ReturnType<typeof candidate>[];

  before(async () => {
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    announce = `http://127.0.0.1:${(http.address() as AddressInfo).port}/announce`;
    dir = tempDir('dormant');
    mkdirSync(join(dir, 'archives'));
    mkdirSync(join(dir, 'state'));
    mkdirSync(join(dir, 'xdg/apt-torrent'), { recursive: true });
    // One torrent awake at a time: every leecher below needs a wake, and the second and third an eviction.
    writeFileSync(join(dir, 'xdg/apt-torrent/config.json'), JSON.stringify({
      stateDir: join(dir, 'state'),
      seed: { enabled: true, socket: join(dir, 'seed.sock'), listenPort: 0, maxActive: 1, maxPeers: 2, diskBudget: 0, uploadLimit: 0 },
    }));
    records = data.map((bytes, index) => ({ ...candidate(join(dir, 'archives'), `pkg${index}`, bytes), trackers: [announce] }));
    writeFileSync(join(dir, 'state/pending-seeds.json'), JSON.stringify(records));
    env = cleanEnv({ XDG_CONFIG_HOME: join(dir, 'xdg'), APT_TORRENT_SYSCONFDIR: join(dir, 'none') });
    daemon = await startDaemon(env);
    port = Number(/peers on port (\d+)/.exec(daemon.log())![1]);
    await waitForList(env, (all) => all.length === COUNT && all.every((torrent) => torrent.state === 'seeding'), 60_000);
  });

  after(async () => {
    await daemon?.stop();
    http.close();
    tracker.close();
    removeTempDir(dir);
  });

  it('announces every one of them to the tracker, with seed.maxActive 1', async () => {
    const known = () => records.filter((record) => tracker.torrents[record.infoHash]).length;
    assert.ok(await poll(() => known() === COUNT, 30_000, 200), `the tracker knows ${known()} of ${COUNT}`);
  });

  it('holds few file descriptors however many it seeds', async () => {
    const fds = readdirSync(`/proc/${daemon!.child.pid}/fd`).length;
    assert.ok(fds < 40, `${fds} open fds for ${COUNT} seeded packages`);
  });

  it('serves three packages one after another to aria2, each woken in turn with one awake at a time', async () => {
    for (const pick of [7, 31, 59]) {
      const torrent = join(dir, `pick${pick}.torrent`);
      const record = records[pick]!;
      writeFileSync(torrent, buildTorrent({ name: record.name!, length: data[pick]!.length, pieceLength: record.pieceLength!, pieces: piecesOf(data[pick]!, record.pieceLength!) }, { trackers: [announce], webSeeds: [] }));
      const leech = await aria2Leech(torrent);
      assert.equal(leech.code, 0, `pkg${pick}: ${daemon!.log()}`);
      assert.equal(sha256(readFileSync(join(leech.dir, record.name!))), record.sha256);
      removeTempDir(join(leech.dir, '..'));
    }
    const torrents = await waitForList(env, (all) => all.filter((torrent) => torrent.uploaded > 0).length === 3);
    assert.deepEqual(torrents.filter((torrent) => torrent.uploaded > 0).map((torrent) => torrent.package).sort(), ['pkg31', 'pkg59', 'pkg7']);
  });

  it('closes a peer that asks for a torrent it does not seed, or one paused', async () => {
    const stranger = await RawPeer.connect(port);
    stranger.handshake(randomBytes(20).toString('hex'));
    await stranger.closed;
    assert.equal((await runCli(['seeding', 'pause', 'pkg3'], env)).code, 0);
    const late = await RawPeer.connect(port);
    late.handshake(records[3]!.infoHash);
    await late.closed;
    assert.equal(late.received.length, 0, 'no handshake back');
    assert.equal((await runCli(['seeding', 'resume', 'pkg3'], env)).code, 0);
    const welcome = await RawPeer.connect(port);
    welcome.handshake(records[3]!.infoHash);
    assert.ok(await welcome.handshakeAnswered(), 'resumed: woken and answered');
    assert.equal(welcome.received.subarray(28, 48).toString('hex'), records[3]!.infoHash);
    welcome.destroy();
  });

  it('holds seed.maxPeers incoming peers per torrent: one more is closed unanswered', async () => {
    const infoHash = records[5]!.infoHash;
    const first = await RawPeer.connect(port);
    first.handshake(infoHash);
    assert.ok(await first.handshakeAnswered());
    const second = await RawPeer.connect(port, { localAddress: '127.0.0.6' });
    second.handshake(infoHash);
    assert.ok(await second.handshakeAnswered());
    const third = await RawPeer.connect(port, { localAddress: '127.0.0.7' });
    third.handshake(infoHash);
    await third.closed;
    assert.equal(third.received.length, 0);
    first.destroy();
    second.destroy();
  });

  it('holds seed.maxPeers even when many peers ask for a sleeping torrent at the same moment', async () => {
    const infoHash = records[9]!.infoHash;
    const peers = await Promise.all(Array.from({ length: 8 }, (_, index) => RawPeer.connect(port, { localAddress: `127.0.0.${20 + index}` })));
    for (const peer of peers) peer.handshake(infoHash);
    await Promise.all(peers.map((peer) => peer.handshakeAnswered(3000)));
    const answered = peers.filter((peer) => peer.received.length >= 68 && !peer.isClosed).length;
    for (const peer of peers) peer.destroy();
    assert.ok(answered >= 1, 'woken and answered');
    assert.ok(answered <= 2, `${answered} peers answered with seed.maxPeers 2`);
  });
});
