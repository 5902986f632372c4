/**
 * `npm run bench`: apt-torrent side by side with apt-get, in the same run,
 * on loopback: real .deb files, nginx as the mirror (its log counts the
 * bytes it served; limit_rate makes it busy), `apt-torrent serve --tracker`,
 * seeders (ours and aria2) and sandboxed APTs. Prints a table of medians with
 * their spread and ratios to apt-get, and writes the figures as JSON.
 * Not a test: nothing here asserts a timing. swarm-links (network namespaces,
 * root only) is left out of the default run, whose length it would nearly
 * double (three to four minutes at K=8) and whose later scenarios would start
 * on the load of its 16 processes; --smoke runs it, small, like the rest.
 *
 *   npm run bench -- [--runs N] [--scenarios cold,cold-torrent,tail,tail-rtt,seeders,swarm,swarm-fleet,swarm-scrape,swarm-links,seeder,startup,scale,method,download,goals] [--k 1,2,4,8 (swarm-links: 8)] [--gap S] [--swarm-mib N] [--smoke] [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { Row } from './fixture.js';
import { coldScenario, coldTorrentScenario, tailRttScenario, tailScenario } from './scenario-http.js';
import { downloadScenario } from './scenario-download.js';
import { goalsScenario } from './scenario-goals.js';
import { methodScenario } from './scenario-method.js';
import { scaleScenario } from './scenario-scale.js';
import { seederScenario } from './scenario-seeder.js';
import { startupScenario } from './scenario-startup.js';
import { seedersScenario, swarmScenario } from './scenario-swarm.js';
import { swarmLinksScenario } from './scenario-swarm-links.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    scenarios: { type: 'string' },
    // No default here: swarm-links has its own (8).
    k: { type: 'string' },
    // The swarm's shape: seconds between arrivals, and the big payload in MiB (apt-get needs ~16 s for 64 MiB at 4 MiB/s).
    gap: { type: 'string', default: '3' },
    'swarm-mib': { type: 'string', default: '64' },
    smoke: { type: 'boolean', default: false },
    json: { type: 'string', default: 'bench-results.json' },
  },
});
const smoke = values.smoke!;
const runs = smoke ? 1 : Number(values.runs);
const ks = smoke ? [2] : (values.k ?? '1,2,4,8').split(',').map(Number);
// Each K of swarm-links costs a minute of shaped transfers; K=8 is the case the links change most.
const linksKs = smoke ? [2] : values.k ? ks : [8];
const swarmShape = { gapS: Number(values.gap), payloadMiB: Number(values['swarm-mib']) };
const scenarios: Record<string, () => Promise<Row[]>> = {
  cold: () => coldScenario(smoke, runs),
  'cold-torrent': () => coldTorrentScenario(smoke, runs),
  tail: () => tailScenario(smoke, runs),
  'tail-rtt': () => tailRttScenario(smoke, runs),
  seeders: () => seedersScenario(smoke, runs),
  // Home uplinks: the default seed.uploadLimit.
  swarm: () => swarmScenario(smoke, runs, ks, { ...swarmShape, uploadLimit: 1024 * 1024 }),
  // A LAN fleet: no upload limit.
  'swarm-fleet': () => swarmScenario(smoke, runs, ks, { ...swarmShape, uploadLimit: 0 }),
  // The fleet with torrent.scrape on: empty swarms skip BitTorrent (fastest alone, worse for fleets).
  'swarm-scrape': () => swarmScenario(smoke, runs, ks, { ...swarmShape, uploadLimit: 0, torrent: { scrape: true } }),
  // Home machines in network namespaces on shaped links (tbf), the mirror on a fast one 40 ms away.
  'swarm-links': () => swarmLinksScenario(smoke, runs, linksKs, swarmShape),
  seeder: () => seederScenario(smoke),
  startup: () => startupScenario(smoke, runs),
  scale: () => scaleScenario(runs),
  method: () => methodScenario(smoke, runs),
  download: () => downloadScenario(smoke, runs),
  goals: () => goalsScenario(smoke, runs),
};

const defaults = 'cold,cold-torrent,tail,tail-rtt,seeders,swarm,swarm-fleet,swarm-scrape,seeder,startup,scale,method,download,goals';
const chosen = values.scenarios ?? (smoke ? `${defaults},swarm-links` : defaults);
const rows: Row[] = [];
for (const name of chosen.split(',')) {
  const scenario = scenarios[name];
  if (!scenario) throw new Error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`);
  process.stderr.write(`bench: ${name}...\n`);
  rows.push(...(await scenario()));
}

const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}`;
console.log(`\nMachine: ${machine}. Mirror: nginx on 127.0.0.1 (swarm-links: in a network namespace of its own). Median (min-max) of ${runs} run(s); ratio = apt-torrent / apt-get.\n`);
console.log('| scenario | measure | apt-get | apt-torrent | ratio | target |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(`| ${row.scenario} | ${row.measure} | ${row.aptGet} | ${row.aptTorrent} | ${row.ratio ?? '-'} | ${row.target} |`);
writeFileSync(values.json!, `${JSON.stringify({ machine, date: new Date().toISOString(), runs, rows }, null, 2)}\n`);
console.log(`\nJSON: ${values.json}`);
