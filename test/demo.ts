/**
 * The README's first command: apt-torrent doing its job end to end on this
 * machine, touching nothing of the system's APT. A local mirror (nginx) of
 * real .deb files, a sandboxed APT, `apt-torrent install`, and dpkg's word
 * that the packages are installed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from './helpers/cli.js';
import { Nginx } from './helpers/nginx.js';
import { buildRepo } from './helpers/repo.js';
import { aptUpdate, createSandbox, installed, removeSandbox } from './helpers/sandbox.js';

const say = (text: string) => process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);

say('Building a local archive of real .deb files (dpkg-deb, apt-ftparchive)');
const repo = buildRepo([
  { name: 'demo-game-data', version: '1.0-1', payload: 40 * 1024 * 1024 },
  { name: 'demo-desktop', version: '2.3-1', payload: 12 * 1024 * 1024, depends: 'demo-game-data, demo-lib' },
  { name: 'demo-lib', version: '1:0.9-2', payload: 300 * 1024 },
  ...Array.from({ length: 12 }, (_, index) => ({ name: `demo-small${index}`, version: '1.0', payload: 20_000 + index * 5000 })),
]);
console.log(`archive: ${repo.root} (${repo.pool.size} packages)`);

const mirror = new Nginx(repo.root);
await mirror.start();
say(`Mirror: nginx on ${mirror.url}`);

const sandbox = createSandbox(mirror.url);
await aptUpdate(sandbox);
say(`Sandboxed APT: APT_CONFIG=${sandbox.env.APT_CONFIG} (dpkg root ${sandbox.root})`);

const packages = ['demo-desktop', ...Array.from({ length: 12 }, (_, index) => `demo-small${index}`)];
say(`apt-torrent plan ${packages.join(' ')}`);
spawnSync(process.execPath, [CLI, 'plan', ...packages], { env: sandbox.env, stdio: 'inherit' });

say(`apt-torrent install -y ${packages.join(' ')}`);
const run = spawnSync(process.execPath, [CLI, 'install', '-y', ...packages], { env: sandbox.env, stdio: 'inherit' });

say('What dpkg installed in the sandbox');
const nowInstalled = installed(sandbox);
for (const [name, version] of nowInstalled) console.log(`  ${name.padEnd(16)} ${version}`);
const payload = readFileSync(join(sandbox.root, 'usr/share/demo-game-data/payload'));
console.log(`  /usr/share/demo-game-data/payload in the sandbox root: ${payload.length} bytes`);
console.log(`  bytes the mirror served: ${mirror.bytesServed('.deb')}`);

await mirror.stop();
removeSandbox(sandbox);
spawnSync('rm', ['-rf', repo.root]);
const ok = run.status === 0 && packages.every((name) => nowInstalled.has(name));
say(ok ? 'Demo finished: every file verified against APT\'s index, then installed by dpkg.' : `Demo FAILED (apt-torrent exit ${run.status})`);
process.exit(ok ? 0 : 1);
