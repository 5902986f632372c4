import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cleanEnv } from '../helpers/env.js';
import type { Row } from './fixture.js';

const run = promisify(execFile);
const MEASURE = fileURLToPath(new URL('../seed/measure-daemon.js', import.meta.url));

/**
 * `apt-torrent seed` with 10, 100 and 300 seeded packages: its RSS and open
 * files once every file is checked and announced (test/seed/measure-daemon.ts
 * does the measuring; this turns its table into rows).
 */
export async function seederScenario(smoke: boolean): Promise<Row[]> {
  const counts = smoke ? '10' : '10,100,300';
  const { stdout } = await run(process.execPath, [MEASURE, '--counts', counts, '--max-active', '50'], { env: cleanEnv(), timeout: 600_000, maxBuffer: 1 << 20 });
  const rows: Row[] = [];
  for (const line of stdout.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (!/^\d+$/.test(cells[1] ?? '')) continue;
    const [, files, maxActive, rss, peak, fds] = cells;
    rows.push({
      scenario: `seeder: ${files} seeded packages (seed.maxActive ${maxActive})`,
      measure: 'RSS (peak) / open fds',
      aptGet: '-',
      aptTorrent: `${rss} (${peak}) / ${fds} fds`,
      ratio: null,
      target: files === '300' ? '<= 200 MiB' : '-',
    });
  }
  return rows;
}
