/**
 * The README's first command: apt-torrent doing its job end to end on this
 * machine, touching nothing of the system's APT. A local archive of real
 * .deb files served by nginx (the mirror), `apt-torrent publish` choosing the
 * big files, `apt-torrent serve --tracker` as tracker, three seeders (two of
 * ours, one aria2 on 127.0.0.2), a sandboxed APT, `apt-torrent install`, and
 * dpkg's word that the packages are installed — with the bytes counted.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildArchive } from './helpers/archive.js';
import { CLI, startServe } from './helpers/cli.js';
import { cleanEnv } from './helpers/env.js';
import { freePort } from './helpers/net.js';
import { Nginx } from './helpers/nginx.js';
import type { Proc } from './helpers/proc.js';
import { aptUpdate, createSandbox, installed, removeSandbox } from './helpers/sandbox.js';
import { seedDir, startAria2Seeder, startOurSeeder } from './helpers/swarm.js';

const say = (text: string) => process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
const MiB = 1024 * 1024;
const cli = (args: string[], env: NodeJS.ProcessEnv = cleanEnv()) => spawnSync(process.execPath, [CLI, ...args], { env, stdio: 'inherit' });

say('A local archive of real .deb files (dpkg-deb, apt-ftparchive)');
const big = [
  { name: 'demo-game-data', version: '1.0-1', payload: 48 * MiB },
  { name: 'demo-desktop', version: '2.3-1', payload: 16 * MiB, depends: 'demo-game-data, demo-lib' },
];
const repo = buildArchive([
  ...big,
  { name: 'demo-lib', version: '1:0.9-2', payload: 300 * 1024 },
  ...Array.from({ length: 12 }, (_, index) => ({ name: `demo-small${index}`, version: '1.0', payload: 20_000 + index * 5000 })),
]);
console.log(`archive: ${repo.root} (${repo.pool.size} packages)`);

const mirror = new Nginx(repo.root);
await mirror.start();
const trackerPort = await freePort();
const announce = `http://127.0.0.1:${trackerPort}/announce`;
say(`The mirror: nginx on ${mirror.url}`);

say(`apt-torrent publish (the mirror operator's side): the files worth a torrent, tracker ${announce}`);
cli(['publish', '--archive-root', repo.root, '--suite', 'stable', '--base-url', mirror.url, '--tracker', announce, '--min-size', '1MiB']);
say('Release regenerated listing the manifest, as the operator re-signs it: clients then trust its tracker');
repo.releaseWithManifest();

const tracker = await startServe(['--archive-root', repo.root, '--tracker'], `127.0.0.1:${trackerPort}`);
const procs: Proc[] = [];
say('Seeders: two apt-torrent clients and aria2 on 127.0.0.2, each with its own copy');
for (const pkg of big) {
  const deb = repo.path(pkg.name);
  procs.push(await startOurSeeder(`${deb}.torrent`, seedDir(deb)));
  procs.push(await startOurSeeder(`${deb}.torrent`, seedDir(deb)));
  procs.push(await startAria2Seeder(`${deb}.torrent`, seedDir(deb), '127.0.0.2'));
}
console.log(`${procs.length} seeders for ${big.length} torrents`);

const sandbox = createSandbox(mirror.url);
await aptUpdate(sandbox);
say(`A sandboxed APT: APT_CONFIG=${sandbox.env.APT_CONFIG} (dpkg root ${sandbox.root})`);

const packages = ['demo-desktop', ...Array.from({ length: 12 }, (_, index) => `demo-small${index}`)];
say(`apt-torrent plan ${packages.join(' ')}`);
cli(['plan', ...packages], sandbox.env);

say(`apt-torrent install -y ${packages.join(' ')}`);
const debsBefore = mirror.bytesServed('.deb');
const run = cli(['install', '-y', ...packages], sandbox.env);
const debsServed = mirror.bytesServed('.deb') - debsBefore;

say('What dpkg installed in the sandbox');
const nowInstalled = installed(sandbox);
for (const [name, version] of nowInstalled) console.log(`  ${name.padEnd(16)} ${version}`);
const payload = readFileSync(join(sandbox.root, 'usr/share/demo-game-data/payload'));
console.log(`  /usr/share/demo-game-data/payload in the sandbox root: ${payload.length} bytes`);
const total = [...repo.pool.keys()].filter((name) => name === 'demo-lib' || packages.includes(name) || big.some((pkg) => pkg.name === name))
  .reduce((sum, name) => sum + repo.bytes(name).length, 0);
console.log(`  the mirror served ${(debsServed / MiB).toFixed(1)} MiB of the ${(total / MiB).toFixed(1)} MiB of .deb files installed; peers the rest`);

for (const proc of procs) await proc.stop();
await tracker.stop();
await mirror.stop();
removeSandbox(sandbox);
repo.dispose();
const ok = run.status === 0 && packages.every((name) => nowInstalled.has(name));
say(ok ? 'Demo finished: big packages from peers, the rest over HTTP, every file verified against APT\'s index, installed by dpkg.' : `Demo FAILED (apt-torrent exit ${run.status})`);
process.exit(ok ? 0 : 1);
