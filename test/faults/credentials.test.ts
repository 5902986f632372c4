/**
 * A login embedded in a source's URI (`deb http://user:password@host/ …`)
 * is sent as APT sends it, and never printed (plan, plan --json, warnings,
 * progress) or stored (the manifest cache, the files handed to the
 * seeder): APT's URIs lose their login where apt-torrent reads them.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { sha256 } from '../helpers/hash.js';
import type { Sandbox } from '../helpers/sandbox.js';
import { ServedArchive } from '../helpers/served-archive.js';

const SECRET = 's3cret-pass';

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesContaining(path, needle));
    else if (readFileSync(path).includes(needle)) found.push(path);
  }
  return found;
}

describe('a login in a source URI', () => {
  let site: ServedArchive;
  let box: Sandbox;
  let withLogin: string;
  let state: string;
  before(async () => {
    site = await ServedArchive.start([{ name: 'bigsecret', version: '1.0', payload: 1_300_000 }, { name: 'smallsecret', version: '1.0', payload: 20_000 }]);
    const published = await runCli(['publish', '--archive-root', site.archive.root, '--suite', 'stable', '--base-url', site.mirror.url, '--min-size', '1MiB', '--share', '1']);
    assert.equal(published.code, 0, published.stderr);
    site.archive.releaseWithManifest();
    site.mirror.login = { user: 'builder', password: SECRET };
    withLogin = site.mirror.url.replace('http://', `http://builder:${SECRET}@`);
    box = await site.sandbox((sandbox) => {
      writeFileSync(join(sandbox.dir, 'etc/sources.list'), `deb [trusted=yes] ${withLogin} stable main\n`);
      state = join(sandbox.dir, 'state');
      writeFileSync(join(sandbox.dir, 'xdg/apt-torrent/config.json'), JSON.stringify({ stateDir: state, seed: { enabled: true, socket: join(sandbox.dir, 'seed.sock') } }));
    });
  });
  after(() => site?.stop());

  it('is printed neither by plan nor by plan --json', async () => {
    for (const args of [['plan', 'bigsecret', 'smallsecret'], ['plan', '--json', 'bigsecret', 'smallsecret']]) {
      const result = await runCli(args, box.env);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /bigsecret_1\.0_all\.deb/);
      assert.doesNotMatch(result.stdout + result.stderr, new RegExp(`${SECRET}|builder:`));
    }
    const json = JSON.parse((await runCli(['plan', '--json', 'bigsecret'], box.env)).stdout);
    assert.equal(json.files[0].uri, `${site.mirror.url}${site.archive.pool.get('bigsecret')}`);
  });

  it('is not in a warning either, even for a manifest URL given with a login', async () => {
    const result = await runCli(['plan', '--manifest', `${withLogin}missing/manifest.json`, 'bigsecret'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /W: manifest http:\/\/\*\*\*@127\.0\.0\.1:\d+\/missing\/manifest\.json: not found; its files come over HTTP/);
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(SECRET));
  });
  it('is sent: the files come, one of them by torrent with the mirror filling it', { timeout: 60_000 }, async () => {
    const result = await runCli(['install', '--prefetch', '-y', 'bigsecret', 'smallsecret'], box.env, { timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Got bigsecret_1\.0_all\.deb \(1\.3 MiB, torrent/);
    assert.equal(sha256(readFileSync(join(box.archives, 'bigsecret_1.0_all.deb'))), sha256(site.archive.bytes('bigsecret')));
    assert.ok(site.mirror.requests.some((request) => request.authorization === `Basic ${Buffer.from(`builder:${SECRET}`).toString('base64')}`));
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(SECRET));
  });

  it('is in none of apt-torrent\'s state: manifest cache, files handed to the seeder', () => {
    assert.ok(readdirSync(join(state, 'manifests')).length > 0, 'the manifest was cached');
    assert.ok(readFileSync(join(state, 'pending-seeds.json'), 'utf8').includes('bigsecret'), 'the torrent file was handed over');
    assert.deepEqual(filesContaining(state, SECRET), []);
    assert.deepEqual(filesContaining(state, 'builder:'), []);
  });

});
