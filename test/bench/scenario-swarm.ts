import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { TestPackage } from '../helpers/archive.js';
import { CLI } from '../helpers/cli.js';
import type { Proc } from '../helpers/proc.js';
import { seedDir, startAria2Seeder, startOurSeeder } from '../helpers/swarm.js';
import { sleep } from '../helpers/wait.js';
import { configureSeeding, startDaemon } from '../seed/helpers/daemon.js';
import { bigAndSmall, clearArchives, makeArchive, makeSandbox, MiB, type Archive, type Row } from './fixture.js';
import { measure, median, spread } from './measure.js';

/**
 * The demo's shape with 0, 1 and 3 seeders already in the swarm: time and
 * mirror bytes of `apt-torrent download` against `apt-get --download-only`
 * from the same (unlimited, loopback) mirror.
 */
export async function seedersScenario(smoke: boolean, runs: number): Promise<Row[]> {
  const packages = bigAndSmall(smoke ? 0.05 : 0.5, smoke ? 3 : 12, 'seeded');
  const archive = await makeArchive(packages, { publish: true });
  const big = published(archive, packages);
  const sandbox = await makeSandbox(archive);
  const names = packages.map((pkg) => pkg.name);
  const rows: Row[] = [];
  const seeders: Proc[] = [];
  try {
    const aptTimes: number[] = [];
    const aptBytes: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      clearArchives(sandbox.archives);
      const before = archive.mirror.bytesServed('.deb');
      aptTimes.push((await measure('apt-get', ['install', '--download-only', '-y', '-qq', ...names], sandbox.env)).ms);
      aptBytes.push(archive.mirror.bytesServed('.deb') - before);
    }
    for (const count of smoke ? [0, 1] : [0, 1, 3]) {
      while (seeders.length < count * big.length) {
        const index = Math.floor(seeders.length / big.length);
        for (const pkg of big) {
          const deb = archive.repo.path(pkg.name);
          seeders.push(index === 2 ? await startAria2Seeder(`${deb}.torrent`, seedDir(deb), '127.0.0.2') : await startOurSeeder(`${deb}.torrent`, seedDir(deb)));
        }
      }
      const times: number[] = [];
      const bytes: number[] = [];
      for (let run = 0; run < runs; run += 1) {
        clearArchives(sandbox.archives);
        const before = archive.mirror.bytesServed('.deb');
        times.push((await measure(process.execPath, [CLI, 'download', '-q', ...names], sandbox.env)).ms);
        bytes.push(archive.mirror.bytesServed('.deb') - before);
      }
      const label = `${count} seeder${count === 1 ? '' : 's'} per big file${count === 3 ? ' (2 ours, 1 aria2)' : ''}`;
      rows.push({
        scenario: `seeders: ${label}`,
        measure: 'download time, ms',
        aptGet: spread(aptTimes),
        aptTorrent: spread(times),
        ratio: Number((median(times) / median(aptTimes)).toFixed(2)),
        target: count === 0 ? '<= 1.0' : '-',
      }, {
        scenario: `seeders: ${label}`,
        measure: 'mirror MiB served',
        aptGet: (median(aptBytes) / MiB).toFixed(1),
        aptTorrent: (median(bytes) / MiB).toFixed(1),
        ratio: Number((median(bytes) / median(aptBytes)).toFixed(2)),
        target: count === 0 ? '1.0' : 'small',
      });
    }
  } finally {
    for (const seeder of seeders) await seeder.stop();
    sandbox.close();
    await archive.close();
  }
  return rows;
}

/** How the swarm bench is shaped; the defaults are a home swarm on a busy mirror. */
export interface SwarmShape {
  /** Seconds between two machines' arrivals. */
  gapS: number;
  /** The machines' seed.uploadLimit in bytes per second (0: a LAN fleet, no limit). */
  uploadLimit: number;
  /** Payload in MiB of the three big packages together. */
  payloadMiB: number;
  /** Extra torrent.* settings for every machine. */
  torrent?: Record<string, unknown>;
}

/**
 * K machines arriving a few seconds apart, the same big set, a mirror that
 * limits each connection (a busy mirror). Each machine runs the seeding
 * daemon (`apt-torrent seed`, seed.enabled) and `apt-torrent install -y`,
 * which hands what it got to its daemon: the real path, nothing simulated.
 * Mirror bytes per copy of the payload, and each machine's install time
 * against `apt-get install -y` on the same limited mirror: the median, and
 * the slowest machine (the goal is that no machine is slower than apt-get).
 */
export async function swarmScenario(smoke: boolean, runs: number, ks: number[], shape: SwarmShape): Promise<Row[]> {
  const torrent = shape.torrent ?? {};
  const packages = bigAndSmall(smoke ? 0.04 : shape.payloadMiB / 100, 0, 'swarm');
  const payload = packages.reduce((sum, pkg) => sum + pkg.payload, 0);
  const rate = smoke ? '20m' : '4m';
  const gapMs = smoke ? 300 : shape.gapS * 1000;
  const archive = await makeArchive(packages, { publish: true, rateLimit: rate });
  const names = packages.map((pkg) => pkg.name);
  const uplink = shape.uploadLimit === 0 ? 'uploadLimit 0 (fleet)' : `uploadLimit ${(shape.uploadLimit / MiB).toFixed(1)} MiB/s (home)`;
  const label = `${uplink}${Object.keys(torrent).length > 0 ? `, ${JSON.stringify({ torrent })}` : ''}`;
  const rows: Row[] = [];
  try {
    const aptTimes: number[] = [];
    for (let run = 0; run < Math.min(runs, 3); run += 1) {
      const sandbox = await makeSandbox(archive);
      aptTimes.push((await measure('apt-get', ['install', '-y', '-qq', ...names], sandbox.env)).ms);
      sandbox.close();
    }
    for (const k of ks) {
      const copies: number[] = [];
      const medians: number[] = [];
      const slowest: number[] = [];
      const slower: number[] = [];
      const loads: string[] = [];
      for (let run = 0; run < Math.max(1, Math.floor(runs / 2)); run += 1) {
        const machines = await Promise.all(Array.from({ length: k }, async () => {
          const sandbox = await makeSandbox(archive);
          configureSeeding(join(sandbox.dir, 'xdg/apt-torrent/config.json'), { uploadLimit: shape.uploadLimit }, Object.keys(torrent).length > 0 ? { torrent } : {});
          return { sandbox, daemon: await startDaemon(sandbox.env, { timeoutMs: 60_000 }) };
        }));
        const before = archive.mirror.bytesServed('.deb');
        loads.push(loadavg()[0]!.toFixed(1));
        try {
          const times = await Promise.all(machines.map(async ({ sandbox }, index) => {
            await sleep(index * gapMs);
            return (await measure(process.execPath, [CLI, 'install', '-y', '-q', ...names], sandbox.env)).ms;
          }));
          copies.push((archive.mirror.bytesServed('.deb') - before) / payload);
          medians.push(median(times));
          slowest.push(Math.max(...times));
          slower.push(times.filter((ms) => ms > median(aptTimes)).length);
        } finally {
          for (const { sandbox, daemon } of machines) {
            await daemon.stop();
            sandbox.close();
          }
        }
      }
      const scenario = `swarm: K=${k} machines ${gapMs / 1000} s apart, ${label}`;
      rows.push({
        scenario: `${scenario}, mirror limit_rate ${rate}/connection, ${(payload / MiB).toFixed(0)} MiB; load ${loads.join(', ')}`,
        measure: 'mirror copies of the payload',
        aptGet: String(k),
        aptTorrent: copies.map((value) => value.toFixed(2)).join(', '),
        ratio: Number((median(copies) / k).toFixed(2)),
        target: shape.uploadLimit === 0 ? '<= 1.1 copies' : '<= 2.0 copies',
      }, {
        scenario,
        measure: 'median machine install time, ms',
        aptGet: spread(aptTimes),
        aptTorrent: spread(medians),
        ratio: Number((median(medians) / median(aptTimes)).toFixed(2)),
        target: '<= 1.0',
      }, {
        scenario,
        measure: `slowest machine's install time, ms (machines slower than apt-get: ${slower.join(', ')})`,
        aptGet: spread(aptTimes),
        aptTorrent: spread(slowest),
        ratio: Number((median(slowest) / median(aptTimes)).toFixed(2)),
        target: k === 8 ? '<= 1.0' : '- (CPU-bound here)',
      });
    }
  } finally {
    await archive.close();
  }
  return rows;
}

/** The packages publish chose (those with a .torrent beside them). */
function published(archive: Archive, packages: TestPackage[]): TestPackage[] {
  return packages.filter((pkg) => existsSync(`${archive.repo.path(pkg.name)}.torrent`));
}
