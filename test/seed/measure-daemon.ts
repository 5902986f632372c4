/**
 * The seeding daemon with many seeded packages:
 *
 *   node dist/test/seed/measure-daemon.js [--counts 10,300,1000] [--size 262144] [--max-active N]
 *
 * For each count: that many small .deb-like files, recorded as install
 * records them, one local opentracker (a third-party tracker) they announce
 * to, half of them over HTTP and half over UDP; `apt-torrent seed` takes them in, re-hashes them and seeds.
 * Measured: how many torrents the tracker has heard of (and when all), the
 * daemon's RSS (and peak) from /proc and its open fds once idle, and how
 * long aria2 (a third-party client, from the tracker alone, no web seed)
 * takes to get a randomly chosen one whole from the sleeping daemon, and
 * how long the daemon takes to answer a handshake for another sleeping one
 * (waking it included). Not a
 * test: it asserts nothing, it reports.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildTorrent } from '../../src/bittorrent/torrent.js';
import { cleanEnv } from '../helpers/env.js';
import { piecesOf, sha256 } from '../helpers/hash.js';
import { OpenTracker } from '../helpers/opentracker.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { aria2Leech } from '../helpers/swarm.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { poll, sleep } from '../helpers/wait.js';
import { candidate } from './helpers/fixtures.js';
import { startDaemon, waitForList } from './helpers/daemon.js';

const { values } = parseArgs({ options: { counts: { type: 'string', default: '10,300' }, size: { type: 'string', default: '262144' }, 'max-active': { type: 'string' } } });
const size = Number(values.size);

const kib = (text: string) => Number(/(\d+) kB/.exec(text)?.[1] ?? 0);
const rows: string[] = [];
for (const count of values.counts!.split(',').map(Number)) {
  const dir = tempDir('measure');
  const cache = join(dir, 'archives');
  mkdirSync(cache);
  mkdirSync(join(dir, 'xdg/apt-torrent'), { recursive: true });
  const maxActive = Number(values['max-active'] ?? 50);
  writeFileSync(join(dir, 'xdg/apt-torrent/config.json'), JSON.stringify({
    stateDir: join(dir, 'state'),
    seed: { enabled: true, socket: join(dir, 'seed.sock'), listenPort: 0, maxActive, diskBudget: 0, uploadLimit: 0 },
  }));
  mkdirSync(join(dir, 'state'));
  const data = Array.from({ length: count }, () => randomBytes(size));
  const bare = data.map((bytes, index) => candidate(cache, `pkg${index}`, bytes));
  const tracker = await OpenTracker.start(bare.map((record) => record.infoHash));
  const records = bare.map((record, index) => ({ ...record, trackers: [index % 2 ? tracker.udp : tracker.http] }));
  writeFileSync(join(dir, 'state/pending-seeds.json'), JSON.stringify(records));
  const env = cleanEnv({ XDG_CONFIG_HOME: join(dir, 'xdg'), APT_TORRENT_SYSCONFDIR: join(dir, 'none') });
  const started = Date.now();
  const daemon = await startDaemon(env, { timeoutMs: 120_000 });
  await waitForList(env, (all) => all.length === count && all.every((torrent) => torrent.state !== 'checking'), 300_000);
  const ready = Date.now() - started;
  let known = 0;
  const all = await poll(async () => (known = (await tracker.knows(records.map((record) => record.infoHash))).length) === count, 120_000, 500);
  const covered = Date.now() - started;
  // Idle: announces done, nothing awake.
  await sleep(5000);
  const status = readFileSync(`/proc/${daemon.child.pid}/status`, 'utf8');
  const fds = readdirSync(`/proc/${daemon.child.pid}/fd`).length;
  // A leecher asks for a random one: the daemon wakes it.
  const pick = Math.floor(Math.random() * count);
  const torrentFile = join(dir, 'pick.torrent');
  const record = records[pick]!;
  writeFileSync(torrentFile, buildTorrent({ name: record.name!, length: size, pieceLength: record.pieceLength!, pieces: piecesOf(data[pick]!, record.pieceLength!) }, { trackers: [tracker.http], webSeeds: [] }));
  const leechStart = Date.now();
  const leech = await aria2Leech(torrentFile, { timeoutMs: 60_000 });
  const leechMs = Date.now() - leechStart;
  const ok = leech.code === 0 && sha256(readFileSync(join(leech.dir, record.name!))) === record.sha256;
  rmSync(join(leech.dir, '..'), { recursive: true, force: true });
  // The daemon's part of that: a peer's handshake for another sleeping one, until the daemon's answer.
  const port = Number(/peers on port (\d+)/.exec(daemon.log())![1]);
  const peer = await RawPeer.connect(port);
  const wakeStart = process.hrtime.bigint();
  peer.handshake(records[(pick + 1) % count]!.infoHash);
  const answered = await peer.handshakeAnswered(10_000);
  const wakeMs = Number(process.hrtime.bigint() - wakeStart) / 1e6;
  peer.destroy();
  rows.push(`| ${count} | ${maxActive} | ${Math.round(kib(/VmRSS:.*/.exec(status)![0]) / 1024)} MiB | ${Math.round(kib(/VmHWM:.*/.exec(status)![0]) / 1024)} MiB | ${fds} | ${(ready / 1000).toFixed(1)} s | ${known}/${count}${all ? ` after ${(covered / 1000).toFixed(1)} s` : ''} | ${ok ? `${(leechMs / 1000).toFixed(1)} s` : `failed (${leech.code})`} | ${answered ? `${wakeMs.toFixed(0)} ms` : 'no answer'} |`);
  await daemon.stop();
  await tracker.stop();
  removeTempDir(dir);
}
process.stdout.write([
  `seeded files of ${size / 1024} KiB, one local opentracker (half over HTTP, half over UDP); RSS and fds idle, after the announces; Node ${process.version}`,
  '| files | seed.maxActive | RSS | peak RSS | open fds | all checked after | torrents the tracker knows | aria2 got a random one in | a sleeping one woken and its handshake answered in |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
  '',
].join('\n'));
