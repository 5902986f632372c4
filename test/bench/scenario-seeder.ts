import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cleanEnv } from '../helpers/env.js';
import type { Row } from './fixture.js';

const run = promisify(execFile);
const MEASURE = fileURLToPath(new URL('../seed/measure-daemon.js', import.meta.url));

/**
 * `apt-torrent seed` with 10, 300 and 1,000 seeded packages, every one
 * available at once (seed.maxActive 50 caps only those awake): its RSS and
 * open files when idle, how many packages the tracker has heard of, and how
 * long aria2 takes to get a random one from the daemon alone
 * (test/seed/measure-daemon.ts does the measuring; this turns its table
 * into rows).
 */
export async function seederScenario(smoke: boolean): Promise<Row[]> {
  const counts = smoke ? '10' : '10,300,1000';
  const { stdout } = await run(process.execPath, [MEASURE, '--counts', counts, '--max-active', '50'], { env: cleanEnv(), timeout: 1_200_000, maxBuffer: 1 << 20 });
  const rows: Row[] = [];
  for (const line of stdout.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (!/^\d+$/.test(cells[1] ?? '')) continue;
    const [, files, , rss, peak, fds, , known, leech, wake] = cells;
    const big = files === '1000';
    const scenario = `seeder: ${files} seeded packages`;
    rows.push(
      { scenario, measure: 'RSS (peak) / open fds, idle', aptGet: '-', aptTorrent: `${rss} (${peak}) / ${fds} fds`, ratio: null, target: big ? '<= 150 MiB / <= 64 fds' : '-' },
      { scenario, measure: 'packages the tracker knows', aptGet: '-', aptTorrent: known!, ratio: null, target: big ? 'all' : '-' },
      { scenario, measure: 'aria2 gets a random one (256 KiB) from the daemon alone', aptGet: '-', aptTorrent: leech!, ratio: null, target: big ? 'seconds' : '-' },
      { scenario, measure: 'a peer\'s handshake for a sleeping one answered (wake included)', aptGet: '-', aptTorrent: wake!, ratio: null, target: '-' },
    );
  }
  return rows;
}
