import { CLI } from '../helpers/cli.js';
import { makeArchive, makeSandbox, smallDebs, type Row } from './fixture.js';
import { measure, median, spread } from './measure.js';

/** `--help`, and `plan` of 3 packages against `apt-get -s install` of the same. */
export async function startupScenario(smoke: boolean, runs: number): Promise<Row[]> {
  const archive = await makeArchive(smallDebs(3, 'start'));
  const sandbox = await makeSandbox(archive);
  const names = ['start0', 'start1', 'start2'];
  const help: number[] = [];
  const plan: number[] = [];
  const simulate: number[] = [];
  try {
    for (let run = 0; run < (smoke ? 2 : Math.max(runs, 5)); run += 1) {
      help.push((await measure(process.execPath, [CLI, '--help'], sandbox.env)).ms);
      plan.push((await measure(process.execPath, [CLI, 'plan', ...names], sandbox.env)).ms);
      simulate.push((await measure('apt-get', ['-s', 'install', ...names], sandbox.env)).ms);
    }
  } finally {
    sandbox.close();
    await archive.close();
  }
  return [
    { scenario: 'start-up: apt-torrent --help', measure: 'ms', aptGet: '-', aptTorrent: spread(help), ratio: null, target: '<= 150 ms' },
    { scenario: 'start-up: plan of 3 packages vs apt-get -s install', measure: 'ms', aptGet: spread(simulate), aptTorrent: spread(plan), ratio: Number((median(plan) / median(simulate)).toFixed(2)), target: '-' },
  ];
}
