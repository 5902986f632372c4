import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { pieceLengthFor } from '../../src/bittorrent/piece-length.js';
import { infoHashOf } from '../../src/bittorrent/torrent.js';
import type { SeedFacts } from '../../src/seed/entry.js';
import { linkIntoStore, openStore } from '../../src/seed/store.js';
import type { TestArchive } from '../helpers/archive.js';
import { CLI } from '../helpers/cli.js';
import { piecesOf, sha256 } from '../helpers/hash.js';
import type { Sandbox } from '../helpers/sandbox.js';
import { ServedArchive } from '../helpers/served-archive.js';

const run = promisify(execFile);
const SNIPPET = fileURLToPath(new URL('../../../system/50apt-torrent', import.meta.url));

/** The facts the seeder would keep for a pool file. */
function factsOf(path: string, pkg: string, version: string): SeedFacts {
  const data = readFileSync(path);
  const pieceLength = pieceLengthFor(data.length);
  return {
    infoHash: infoHashOf({ name: basename(path), length: data.length, pieceLength, pieces: piecesOf(data, pieceLength) }),
    package: pkg, version, architecture: 'all', sha256: sha256(data), size: data.length,
    name: basename(path), pieceLength, trackers: [], addedAt: new Date().toISOString(),
  };
}

describe('the apt.conf.d hook (system/50apt-torrent): clean after every successful apt-get update', () => {
  let site: ServedArchive;
  let repo: TestArchive;
  let box: Sandbox;
  let env: NodeJS.ProcessEnv;
  const store = () => join(box.dir, 'apt-torrent-state/store');
  /** apt-get update with its status and all it printed; never throws. */
  const update = async () => {
    try {
      const { stdout, stderr } = await run('apt-get', ['update'], { env });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, output: failed.stdout + failed.stderr };
    }
  };

  before(async () => {
    site = await ServedArchive.start([{ name: 'alpha', version: '1.0', payload: 30_000 }, { name: 'beta', version: '1.0', payload: 30_000 }]);
    repo = site.archive;
    box = await site.sandbox();
    copyFileSync(SNIPPET, join(box.dir, 'etc/apt.conf.d/50apt-torrent'));
    const bin = join(box.dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'apt-torrent'), `#!/bin/sh\nexec ${process.execPath} ${CLI} "$@"\n`);
    chmodSync(join(bin, 'apt-torrent'), 0o755);
    env = { ...box.env, PATH: `${bin}:${process.env.PATH}` };
    // Two seeded files, as the daemon keeps them; no daemon runs: clean works on the store alone.
    const opened = await openStore(join(box.dir, 'apt-torrent-state'));
    for (const name of ['alpha', 'beta']) {
      await linkIntoStore(opened, factsOf(repo.path(name), name, '1.0'), repo.path(name));
    }
  });

  after(() => site?.stop());

  it('an update that drops a version removes it from the store; one still indexed stays; nothing to do says nothing', async () => {
    const quiet = await update();
    assert.equal(quiet.code, 0, quiet.output);
    assert.doesNotMatch(quiet.output, /apt-torrent|Nothing to clean/);

    const alpha = factsOf(repo.path('alpha'), 'alpha', '1.0');
    rmSync(repo.path('alpha'));
    repo.add({ name: 'alpha', version: '1.1', payload: 30_000 });
    repo.index();
    const result = await update();
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /Removed alpha 1\.0 \(.*\): it left the Packages indexes/);
    assert.ok(!existsSync(join(store(), alpha.infoHash)));
    assert.ok(!existsSync(join(store(), `${alpha.infoHash}.json`)));
    assert.match(result.output, /1 still seeded/);
  });

  it('never makes apt-get update fail: a broken apt-torrent is reported and ignored, a missing one skipped', async () => {
    const configFile = join(box.dir, 'xdg/apt-torrent/config.json');
    const good = readFileSync(configFile, 'utf8');
    writeFileSync(configFile, '{"seed": {"enabled": "maybe"}');
    try {
      const broken = await update();
      assert.equal(broken.code, 0, broken.output);
      assert.match(broken.output, /W: apt-torrent clean failed; apt-get update itself succeeded/);
    } finally {
      writeFileSync(configFile, good);
    }
    // No apt-torrent on PATH (uninstalled, the snippet left behind).
    const { stderr } = await run('apt-get', ['update'], { env: { ...box.env, PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
    assert.doesNotMatch(stderr, /apt-torrent|Problem executing/);
  });
});
