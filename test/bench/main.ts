/**
 * `npm run bench`: apt-torrent side by side with apt-get, in the same run,
 * on the same loopback mirror (nginx) and the same sandboxed APT. Prints a
 * table of medians with their spread and the ratio to apt-get, and writes
 * the figures as JSON. Not a test: nothing here asserts a timing.
 *
 *   npm run bench -- [--runs N] [--scenarios cold,tail] [--smoke] [--json FILE]
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLI } from '../helpers/cli.js';
import { Nginx } from '../helpers/nginx.js';
import { buildRepo, type TestPackage } from '../helpers/repo.js';
import { aptUpdate, createSandbox, removeSandbox } from '../helpers/sandbox.js';
import { measure, median, spread } from './measure.js';

interface Scenario {
  name: string;
  what: string;
  packages: TestPackage[];
  install: string[];
}

const MiB = 1024 * 1024;

function scenarios(smoke: boolean): Scenario[] {
  const scale = smoke ? 0.05 : 1;
  const small = (count: number, prefix: string) =>
    Array.from({ length: count }, (_, index) => ({ name: `${prefix}${index}`, version: '1.0', payload: Math.round(10_000 + ((index * 7919) % 190_000)) }));
  const cold = [
    { name: 'big-data', version: '1.0', payload: Math.round(60 * MiB * scale) },
    { name: 'big-desktop', version: '1.0', payload: Math.round(25 * MiB * scale) },
    { name: 'big-kernel', version: '1.0', payload: Math.round(15 * MiB * scale) },
    ...small(smoke ? 5 : 30, 'cold-small'),
  ];
  const tail = small(smoke ? 20 : 200, 'tail');
  return [
    { name: 'cold', what: `3 big + ${cold.length - 3} small debs, no peers`, packages: cold, install: cold.map((pkg) => pkg.name) },
    { name: 'tail', what: `${tail.length} small debs (10-200 KB), all HTTP`, packages: tail, install: tail.map((pkg) => pkg.name) },
  ];
}

function clearArchives(archives: string): void {
  for (const name of readdirSync(archives)) if (name.endsWith('.deb')) rmSync(join(archives, name));
  rmSync(join(archives, 'partial'), { recursive: true, force: true });
}

async function runScenario(scenario: Scenario, runs: number) {
  const repo = buildRepo(scenario.packages);
  const mirror = new Nginx(repo.root);
  await mirror.start();
  const sandbox = createSandbox(mirror.url);
  await aptUpdate(sandbox);
  const aptGet: number[] = [];
  const ours: number[] = [];
  const rss: number[] = [];
  const aptRss: number[] = [];
  try {
    for (let run = 0; run < runs; run += 1) {
      // Alternate who goes first, so a warm page cache favours neither.
      const order = run % 2 === 0 ? ['apt-get', 'apt-torrent'] : ['apt-torrent', 'apt-get'];
      for (const who of order) {
        clearArchives(sandbox.archives);
        if (who === 'apt-get') {
          const result = await measure('apt-get', ['install', '--download-only', '-y', '-qq', ...scenario.install], sandbox.env);
          aptGet.push(result.ms);
          aptRss.push(result.maxRssKiB);
        } else {
          const result = await measure(process.execPath, [CLI, 'download', '-q', ...scenario.install], sandbox.env);
          ours.push(result.ms);
          rss.push(result.maxRssKiB);
        }
      }
    }
  } finally {
    await mirror.stop();
    removeSandbox(sandbox);
    rmSync(repo.root, { recursive: true, force: true });
  }
  const bytes = scenario.packages.reduce((sum, pkg) => sum + pkg.payload, 0);
  return {
    scenario: scenario.name,
    what: scenario.what,
    payloadMiB: Number((bytes / MiB).toFixed(1)),
    runs,
    aptGetMs: aptGet,
    aptTorrentMs: ours,
    ratio: Number((median(ours) / median(aptGet)).toFixed(2)),
    aptTorrentMaxRssMiB: Number((median(rss) / 1024).toFixed(0)),
    aptGetMaxRssMiB: Number((median(aptRss) / 1024).toFixed(0)),
  };
}

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    scenarios: { type: 'string', default: 'cold,tail' },
    smoke: { type: 'boolean', default: false },
    json: { type: 'string', default: 'bench-results.json' },
  },
});
const runs = values.smoke ? 1 : Number(values.runs);
const chosen = scenarios(values.smoke!).filter((scenario) => values.scenarios!.split(',').includes(scenario.name));
const results = [];
for (const scenario of chosen) {
  process.stderr.write(`bench: ${scenario.name} (${scenario.what}), ${runs} runs each...\n`);
  results.push(await runScenario(scenario, runs));
}

const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}`;
console.log(`\nMachine: ${machine}; mirror: nginx on 127.0.0.1; times in ms, median (min-max) of ${runs} runs\n`);
console.log('| scenario | payload | apt-get --download-only | apt-torrent download | ratio | apt-torrent peak RSS |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const result of results) {
  console.log(`| ${result.scenario}: ${result.what} | ${result.payloadMiB} MiB | ${spread(result.aptGetMs)} | ${spread(result.aptTorrentMs)} | ${result.ratio} | ${result.aptTorrentMaxRssMiB} MiB |`);
}
writeFileSync(values.json!, `${JSON.stringify({ machine, date: new Date().toISOString(), results }, null, 2)}\n`);
console.log(`\nJSON: ${values.json}`);
