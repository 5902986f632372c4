/**
 * The seeding daemon's memory and open files with many seeded packages:
 *
 *   node dist/test/seed/measure-daemon.js [--counts 10,300] [--size 262144] [--max-active N]
 *
 * For each count: that many small .deb-like files, recorded as install
 * records them, one local tracker they all announce to; `apt-torrent seed`
 * takes them in, re-hashes them and seeds; once every one is checked, and a
 * few seconds later, the daemon's RSS (and peak) from /proc and its open fds
 * are read. Not a test: it asserts nothing, it reports.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Server } from 'bittorrent-tracker';
import { cleanEnv } from '../helpers/env.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { sleep } from '../helpers/wait.js';
import { candidate } from './helpers/fixtures.js';
import { startDaemon, waitForList } from './helpers/daemon.js';

const { values } = parseArgs({ options: { counts: { type: 'string', default: '10,300' }, size: { type: 'string', default: '262144' }, 'max-active': { type: 'string' } } });

const tracker = new Server({ http: false, udp: false, ws: false, stats: false });
tracker.on('warning', () => {});
const http = createServer((request, response) => tracker.onHttpRequest(request, response, { action: 'announce' }));
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
const announce = `http://127.0.0.1:${(http.address() as AddressInfo).port}/announce`;

const kib = (text: string) => Number(/(\d+) kB/.exec(text)?.[1] ?? 0);
const rows: string[] = [];
for (const count of values.counts!.split(',').map(Number)) {
  const dir = tempDir('measure');
  const cache = join(dir, 'archives');
  mkdirSync(cache);
  mkdirSync(join(dir, 'xdg/apt-torrent'), { recursive: true });
  const maxActive = Number(values['max-active'] ?? count);
  writeFileSync(join(dir, 'xdg/apt-torrent/config.json'), JSON.stringify({
    stateDir: join(dir, 'state'),
    seed: { enabled: true, socket: join(dir, 'seed.sock'), listenPort: 0, maxActive, diskBudget: 0 },
  }));
  mkdirSync(join(dir, 'state'));
  const records = Array.from({ length: count }, (_, index) => ({ ...candidate(cache, `pkg${index}`, randomBytes(Number(values.size))), trackers: [announce] }));
  writeFileSync(join(dir, 'state/pending-seeds.json'), JSON.stringify(records));
  const env = cleanEnv({ XDG_CONFIG_HOME: join(dir, 'xdg'), APT_TORRENT_SYSCONFDIR: join(dir, 'none') });
  const started = Date.now();
  const daemon = await startDaemon(env, { timeoutMs: 120_000 });
  await waitForList(env, (all) => all.length === count && all.every((torrent) => torrent.state !== 'checking'), 300_000);
  const ready = Date.now() - started;
  // Let every active torrent announce and settle.
  await sleep(5000);
  const status = readFileSync(`/proc/${daemon.child.pid}/status`, 'utf8');
  const fds = readdirSync(`/proc/${daemon.child.pid}/fd`).length;
  const peers = Object.keys(tracker.torrents).length;
  rows.push(`| ${count} | ${maxActive} | ${Math.round(kib(/VmRSS:.*/.exec(status)![0]) / 1024)} MiB | ${Math.round(kib(/VmHWM:.*/.exec(status)![0]) / 1024)} MiB | ${fds} | ${(ready / 1000).toFixed(1)} s | ${peers} |`);
  await daemon.stop();
  removeTempDir(dir);
}
process.stdout.write([
  `seeded files of ${Number(values.size) / 1024} KiB, one local HTTP tracker; Node ${process.version}`,
  '| files | seed.maxActive | RSS | peak RSS | open fds | all checked after | torrents the tracker knows |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
  '',
].join('\n'));
http.close();
tracker.close();
