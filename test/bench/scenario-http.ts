import { CLI } from '../helpers/cli.js';
import { LatencyProxy } from '../helpers/latency-proxy.js';
import { bigAndSmall, clearArchives, makeArchive, makeSandbox, smallDebs, type Row } from './fixture.js';
import { measure, median, spread } from './measure.js';
import type { TestPackage } from '../helpers/archive.js';

/** apt-get --download-only against apt-torrent download, alternating who goes first. */
export async function compareDownloads(name: string, packages: TestPackage[], runs: number, target: string, options: { publish?: boolean; rttMs?: number } = {}): Promise<Row[]> {
  const archive = await makeArchive(packages, options);
  let proxy: LatencyProxy | undefined;
  if (options.rttMs) {
    const mirror = new URL(archive.mirror.url);
    proxy = new LatencyProxy({ host: mirror.hostname, port: Number(mirror.port) }, options.rttMs / 2);
    await proxy.start();
  }
  const sandbox = await makeSandbox(archive, proxy?.url);
  const names = packages.map((pkg) => pkg.name);
  const times = { aptGet: [] as number[], ours: [] as number[] };
  const rss: number[] = [];
  try {
    for (let run = 0; run < runs; run += 1) {
      for (const who of run % 2 === 0 ? ['apt-get', 'apt-torrent'] : ['apt-torrent', 'apt-get']) {
        clearArchives(sandbox.archives);
        if (who === 'apt-get') {
          times.aptGet.push((await measure('apt-get', ['install', '--download-only', '-y', '-qq', ...names], sandbox.env)).ms);
        } else {
          const result = await measure(process.execPath, [CLI, 'download', '-q', ...names], sandbox.env);
          times.ours.push(result.ms);
          rss.push(result.maxRssKiB);
        }
      }
    }
  } finally {
    sandbox.close();
    await proxy?.stop();
    await archive.close();
  }
  const payload = packages.reduce((sum, pkg) => sum + pkg.payload, 0) / 1024 / 1024;
  return [{
    scenario: name,
    measure: `download time, ms (${payload.toFixed(0)} MiB; peak RSS ${Math.round(median(rss) / 1024)} MiB)`,
    aptGet: spread(times.aptGet),
    aptTorrent: spread(times.ours),
    ratio: Number((median(times.ours) / median(times.aptGet)).toFixed(2)),
    target,
    raw: times,
  }];
}

export function coldScenario(smoke: boolean, runs: number): Promise<Row[]> {
  return compareDownloads(`cold: 3 big + ${smoke ? 5 : 30} small, no peers, no manifest`, bigAndSmall(smoke ? 0.05 : 1, smoke ? 5 : 30, 'cold'), runs, '<= 1.0');
}

export function coldTorrentScenario(smoke: boolean, runs: number): Promise<Row[]> {
  return compareDownloads(`cold, published: the same with a manifest and tracker, no seeders yet`, bigAndSmall(smoke ? 0.05 : 1, smoke ? 5 : 30, 'coldt'), runs, '<= 1.0', { publish: true });
}

export function tailScenario(smoke: boolean, runs: number): Promise<Row[]> {
  return compareDownloads(`tail: ${smoke ? 20 : 200} small debs (10-200 KB), all HTTP`, smallDebs(smoke ? 20 : 200, 'tail'), runs, '<= 1.1');
}

/** The same tail with the mirror 20 ms of round trip away (a relay that delays every chunk). */
export function tailRttScenario(smoke: boolean, runs: number): Promise<Row[]> {
  return compareDownloads(`tail, 20 ms RTT: ${smoke ? 20 : 200} small debs, mirror behind a 20 ms round trip`, smallDebs(smoke ? 20 : 200, 'tailrtt'), runs, '<= 1.1', { rttMs: 20 });
}
