/**
 * How long a peer finds nobody on this machine after `apt-get install
 * --download-only` through the method ends:
 *
 *   node dist/test/e2e/measure-gap.js [--method PATH/main.js] [--mib 6] [--runs 3] [--daemon real|slow]
 *
 * A published archive, its tracker and an aria2 seeder (which the method
 * fetches from, and which the probe then ignores); a sandboxed APT running
 * the method as _apt with seed.enabled; a seeding daemon (`apt-torrent
 * seed`, or one that never announces: slow). From apt-get's exit, every
 * 20 ms the probe asks the tracker for peers and, from each but the aria2
 * seeder, the first 16 KiB block of the file: the gap is the time until one
 * sends it. `--method` measures another build of the method (e.g. an older
 * commit's). Not a test: it asserts nothing, it reports.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { announceUrl, parseAnnounce } from '../../src/bittorrent/announce.js';
import { parseTorrent } from '../../src/bittorrent/torrent.js';
import { PublishedSwarm } from '../helpers/published-swarm.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { aptUpdate, createSandbox, removeSandbox } from '../helpers/sandbox.js';
import { SlowDaemon } from '../helpers/slow-daemon.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { sleep } from '../helpers/wait.js';
import { METHOD } from '../method/method-client.js';
import { configureSeeding, startDaemon } from '../seed/helpers/daemon.js';

const run = promisify(execFile);
const { values } = parseArgs({ options: { method: { type: 'string', default: METHOD }, mib: { type: 'string', default: '6' }, runs: { type: 'string', default: '3' }, daemon: { type: 'string', default: 'real' }, 'give-up': { type: 'string', default: '30' } } });

/** The first block of piece 0 from one peer: handshake, interested, unchoke, request, piece. */
async function firstBlock(port: number, infoHash: string): Promise<boolean> {
  const peer = await RawPeer.connect(port, { localAddress: '127.0.0.4' }).catch(() => undefined);
  if (!peer) return false;
  try {
    peer.handshake(infoHash);
    if (!(await peer.handshakeAnswered(2000))) return false;
    peer.message(Buffer.from([2]));
    let requested = false;
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && !peer.isClosed) {
      let at = 68;
      const got = peer.received;
      while (at + 4 <= got.length) {
        const length = got.readUInt32BE(at);
        if (at + 4 + length > got.length) break;
        const id = length > 0 ? got[at + 4] : undefined;
        if (id === 1 && !requested) {
          const request = Buffer.alloc(13);
          request[0] = 6;
          request.writeUInt32BE(0, 1);
          request.writeUInt32BE(0, 5);
          request.writeUInt32BE(16384, 9);
          peer.message(request);
          requested = true;
        }
        if (id === 7) return true;
        at += 4 + length;
      }
      await sleep(5);
    }
    return false;
  } finally {
    peer.destroy();
  }
}

async function peersFrom(tracker: string, infoHash: string, size: number): Promise<Array<{ host: string; port: number }>> {
  const url = announceUrl(tracker, { infoHash, peerId: randomBytes(20).toString('hex'), port: 6881, uploaded: 0, downloaded: 0, left: size, numwant: 50 })!;
  const response = await fetch(url).catch(() => undefined);
  if (!response?.ok) return [];
  return parseAnnounce(new Uint8Array(await response.arrayBuffer())).peers.map((peer) => ({ host: peer.slice(0, peer.lastIndexOf(':')), port: Number(peer.slice(peer.lastIndexOf(':') + 1)) }));
}

const size = Number(values.mib) * 1024 * 1024;
const swarm = await PublishedSwarm.start([{ name: 'gapdata', version: '1.0', payload: size }], 'gapdata');
const data = readFileSync(`${swarm.debPath('gapdata')}.torrent`);
const { infoHash, trackers } = parseTorrent(data);
const gaps: string[] = [];
try {
  for (let round = 0; round < Number(values.runs); round += 1) {
    const box = createSandbox(`torrent+${swarm.mirror.url}`);
    const dir = tempDir('gap-daemon');
    chmodSync(box.dir, 0o755);
    appendFileSync(join(box.dir, 'apt.conf'), `Dir::Bin::Methods::torrent+http "${values.method}";\nAPT::Sandbox::User "_apt";\n`);
    box.env = { ...box.env, APT_TORRENT_SYSCONFDIR: join(box.dir, 'no-etc') };
    const configFile = join(box.dir, 'xdg/apt-torrent/config.json');
    const socket = join(dir, 'seed.sock');
    configureSeeding(configFile, { socket, uploadLimit: 0, listenPort: 0 }, { stateDir: join(dir, 'state'), torrent: { ...JSON.parse(readFileSync(configFile, 'utf8')).torrent, webSeedDelay: 30 } });
    const slow = values.daemon === 'slow' ? new SlowDaemon(socket, [infoHash]) : undefined;
    await slow?.start();
    const daemon = slow ? undefined : await startDaemon(box.env);
    try {
      await aptUpdate(box);
      await run('apt-get', ['install', '--download-only', '-y', 'gapdata'], { env: box.env, timeout: 120_000 });
      const ended = Date.now();
      let gap: number | undefined;
      while (Date.now() - ended < Number(values['give-up']) * 1000) {
        const peers = (await peersFrom(trackers[0]!, infoHash, size)).filter((peer) => peer.host !== '127.0.0.2');
        for (const peer of peers) if (await firstBlock(peer.port, infoHash)) gap = Date.now() - ended;
        if (gap !== undefined) break;
        await sleep(20);
      }
      // What one round of the probe costs against a peer that serves already: the floor of the figures.
      const start = Date.now();
      let again = false;
      for (const peer of (await peersFrom(trackers[0]!, infoHash, size)).filter((peer) => peer.host !== '127.0.0.2')) again = (await firstBlock(peer.port, infoHash)) || again;
      const floor = again ? ` (a round of the probe: ${Date.now() - start} ms)` : '';
      gaps.push(gap === undefined ? `none within ${values['give-up']} s` : `${gap} ms${floor}`);
      console.log(`run ${round + 1}: ${gaps.at(-1)}`);
    } finally {
      await daemon?.stop();
      await slow?.stop();
      removeSandbox(box);
      removeTempDir(dir);
      await sleep(2000);
    }
  }
} finally {
  await swarm.stop();
}
console.log(`${values.mib} MiB, daemon ${values.daemon}, method ${values.method}: ${gaps.join(', ')}`);
