import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cleanEnv } from '../helpers/env.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

const run = promisify(execFile);

/** `npm run bench -- --smoke` must keep working: it is the bench's only guard against rot. Timings are not judged. */
describe('bench --smoke', () => {
  it('runs every scenario and reports a figure for each', async () => {
    const dir = tempDir('bench');
    const json = join(dir, 'bench.json');
    const main = fileURLToPath(new URL('./main.js', import.meta.url));
    const { stdout } = await run(process.execPath, [main, '--smoke', '--json', json], { env: cleanEnv(), timeout: 180_000 });
    assert.match(stdout, /\| scenario \| measure \| apt-get \| apt-torrent \| ratio \| target \|/);
    const { rows } = JSON.parse(readFileSync(json, 'utf8')) as { rows: Array<{ scenario: string; aptTorrent: string }> };
    for (const prefix of ['cold:', 'cold, published', 'tail:', 'seeders:', 'swarm:', 'swarm-links:', 'seeder:', 'start-up:', 'Debian scale', 'method:', 'download:', 'goals:']) {
      const row = rows.find((candidate) => candidate.scenario.startsWith(prefix));
      assert.ok(row, `a row for ${prefix}`);
      if (!row.scenario.startsWith('Debian scale') || !/skipped/.test(JSON.stringify(row))) assert.match(row.aptTorrent, /\d/, `${prefix} has a figure`);
    }
    removeTempDir(dir);
  });
});
