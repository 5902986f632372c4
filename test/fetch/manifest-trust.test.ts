import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { buildTorrent, infoHashOf, parseTorrent } from '../../src/bittorrent/torrent.js';
import type { TestArchive } from '../helpers/archive.js';
import { runCli } from '../helpers/cli.js';
import { cleanEnv } from '../helpers/env.js';
import { sha256 } from '../helpers/hash.js';
import type { TestMirror } from '../helpers/mirror.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

const MiB = 1024 * 1024;

/**
 * A wrong, broken or hostile manifest may cost time, never a failed install
 * and never other bytes: each case below must warn once, fetch the file over
 * plain HTTP, and put exactly the index's bytes into APT's cache.
 */
describe('manifests that cannot be trusted fall back to HTTP', () => {
  let site: ServedArchive;
  let repo: TestArchive;
  let mirror: TestMirror;
  let published: Record<string, unknown> & { files: Array<Record<string, unknown>> };
  const work = tempDir('manifests');

  before(async () => {
    site = await ServedArchive.start([{ name: 'bigdata', version: '1.0', payload: 3 * MiB }, { name: 'other', version: '1.0', payload: 2 * MiB }]);
    ({ archive: repo, mirror } = site);
    const result = await runCli(['publish', '--archive-root', repo.root, '--suite', 'stable', '--base-url', mirror.url, '--min-size', '1MiB', '--share', '1']);
    assert.equal(result.code, 0, result.stderr);
    repo.releaseWithManifest();
    published = JSON.parse(readFileSync(join(repo.root, 'dists/stable/apt-torrent/manifest.json'), 'utf8'));
  });

  after(async () => {
    await site?.stop();
    removeTempDir(work);
  });

  const fresh = () => site.sandbox();
  const entry = (name: string) => published.files.find((file) => file.package === name)!;
  const manifestFile = (name: string, content: string) => {
    const path = join(work, name);
    writeFileSync(path, content);
    return pathToFileURL(path).href;
  };

  /** Download bigdata with the given manifest; it must come over HTTP, verified, with a warning. */
  const expectHttpFallback = async (manifestUrl: string | undefined, warning: RegExp) => {
    const box = await fresh();
    const result = await runCli(['download', '--prefetch', ...(manifestUrl ? ['--manifest', manifestUrl] : []), 'bigdata'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, warning);
    assert.match(result.stderr, /Got bigdata_1\.0_all\.deb \(3\.0 MiB, http\)/);
    assert.equal(sha256(readFileSync(join(box.archives, 'bigdata_1.0_all.deb'))), sha256(repo.bytes('bigdata')));
    return result;
  };

  it('the published manifest itself routes the file to BitTorrent (the control case)', async () => {
    const box = await fresh();
    const result = await runCli(['download', '--prefetch', 'bigdata'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Got bigdata_1\.0_all\.deb \(3\.0 MiB, torrent/);
    assert.doesNotMatch(result.stderr, /^W: /m);
  });

  it('invalid JSON', async () => {
    await expectHttpFallback(manifestFile('broken.json', '{"version": 1, "files": ['), /W: manifest .*broken\.json: is not valid JSON/);
  });

  it('a manifest that does not follow the schema', async () => {
    await expectHttpFallback(manifestFile('schema.json', JSON.stringify({ ...published, version: 7 })), /W: manifest .*schema\.json: does not follow the manifest schema: version: expected 1/);
  });

  it('a manifest given by URL that does not exist', async () => {
    await expectHttpFallback(pathToFileURL(join(work, 'none.json')).href, /W: manifest .*none\.json: not found/);
  });

  it('an entry whose SHA256 differs from the Packages index is never used', async () => {
    const box = await fresh();
    const tampered = { ...published, files: [{ ...entry('bigdata'), sha256: 'f'.repeat(64) }] };
    const result = await runCli(['plan', '--json', '--manifest', manifestFile('sha.json', JSON.stringify(tampered)), 'bigdata'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).files[0].route, 'http');
  });

  it('a torrent whose file has another length than the index says', async () => {
    // The torrent of `other` (2 MiB) offered for bigdata (3 MiB), with a matching infohash in the manifest.
    const otherTorrent = `${repo.pool.get('other')}.torrent`;
    const hash = parseTorrent(readFileSync(join(repo.root, otherTorrent))).infoHash;
    const wrong = { ...published, files: [{ ...entry('bigdata'), torrent: otherTorrent, infoHash: hash }] };
    await expectHttpFallback(manifestFile('length.json', JSON.stringify(wrong)), /torrent .* for bigdata_1\.0_all\.deb: its file is \d+ bytes but the Packages index says \d+; fetching it over HTTP/);
  });

  it('a torrent whose name has path parts (../)', async () => {
    const size = repo.bytes('bigdata').length;
    const pieceLength = 1024 * 1024;
    const info = { name: '../../etc/evil.deb', length: size, pieceLength, pieces: Buffer.alloc(20 * Math.ceil(size / pieceLength)) };
    const torrentPath = 'pool/evil.torrent';
    writeFileSync(join(repo.root, torrentPath), buildTorrent(info, { trackers: [], webSeeds: [] }));
    const evil = { ...published, files: [{ ...entry('bigdata'), torrent: torrentPath, infoHash: infoHashOf(info) }] };
    await expectHttpFallback(manifestFile('evil.json', JSON.stringify(evil)), /torrent .* for bigdata_1\.0_all\.deb: name "\.\.\/\.\.\/etc\/evil\.deb" is not a plain file name; fetching it over HTTP/);
  });

  it('a torrent whose infohash is not the manifest\'s', async () => {
    const wrong = { ...published, files: [{ ...entry('bigdata'), infoHash: '0'.repeat(40) }] };
    await expectHttpFallback(manifestFile('infohash.json', JSON.stringify(wrong)), /its infohash [0-9a-f]{40} is not the manifest's 0{40}/);
  });

  it('a manifest whose bytes do not match the SHA256 the signed Release lists for it', async () => {
    // The operator listed the manifest in Release; then someone changed the manifest on the mirror.
    repo.index({ release: ['-o', 'APT::FTPArchive::Release::Patterns::=manifest.json'] });
    assert.match(readFileSync(join(repo.root, 'dists/stable/Release'), 'utf8'), /apt-torrent\/manifest\.json/);
    const manifestPath = join(repo.root, 'dists/stable/apt-torrent/manifest.json');
    const original = readFileSync(manifestPath);
    try {
      const box = await fresh();
      writeFileSync(manifestPath, `${original.toString('utf8').trimEnd()}\n\n`);
      const result = await runCli(['download', '--prefetch', 'bigdata'], box.env);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /W: manifest .*manifest\.json: does not match the SHA256 listed for it in the suite's signed Release/);
      assert.match(result.stderr, /Got bigdata_1\.0_all\.deb \(3\.0 MiB, http\)/);
      // The manifest as Release lists it is used.
      writeFileSync(manifestPath, original);
      const good = await runCli(['download', '--prefetch', '--reinstall', 'other'], box.env);
      assert.equal(good.code, 0, good.stderr);
      assert.match(good.stderr, /Got other_1\.0_all\.deb \(2\.0 MiB, torrent/);
    } finally {
      writeFileSync(manifestPath, original);
      repo.index();
      repo.releaseWithManifest();
    }
  });

  it('with a keyring configured: a signed manifest is used, an unsigned or wrongly signed one is not', async () => {
    const manifestPath = join(repo.root, 'dists/stable/apt-torrent/manifest.json');
    const keyring = join(work, 'mirror.gpg');
    const signature = join(work, 'manifest.json.sig');
    const gnupg = tempDir('gnupg');
    const gpg = (...args: string[]) => execFileSync('gpg', ['--homedir', gnupg, '--batch', '--yes', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { stdio: 'pipe', env: cleanEnv() });
    try {
      gpg('--quick-gen-key', 'mirror@example.org', 'ed25519', 'sign', 'never');
      writeFileSync(keyring, gpg('--export', 'mirror@example.org'));
      gpg('--detach-sign', '--output', signature, manifestPath);
    } finally {
      // gpg started an agent for this home directory: it goes with the directory.
      execFileSync('gpgconf', ['--homedir', gnupg, '--kill', 'all'], { env: cleanEnv() });
      removeTempDir(gnupg);
    }
    const box = await fresh();
    writeFileSync(join(box.dir, 'xdg/apt-torrent/config.json'), JSON.stringify({ stateDir: join(box.dir, 'state'), manifestKeyring: keyring }));

    const unsigned = await runCli(['download', '--prefetch', 'bigdata'], box.env);
    assert.equal(unsigned.code, 0, unsigned.stderr);
    assert.match(unsigned.stderr, /W: manifest .*: is not signed \(no .*manifest\.json\.gpg\) but a keyring is configured/);
    assert.match(unsigned.stderr, /Got bigdata_1\.0_all\.deb \(3\.0 MiB, http\)/);

    writeFileSync(`${manifestPath}.gpg`, 'not a signature');
    const bad = await runCli(['download', '--prefetch', '--reinstall', 'other'], box.env);
    assert.match(bad.stderr, /W: manifest .*: has no valid signature from the keyring/);
    assert.match(bad.stderr, /Got other_1\.0_all\.deb \(2\.0 MiB, http\)/);

    copyFileSync(signature, `${manifestPath}.gpg`);
    execFileSync('rm', ['-f', join(box.archives, 'other_1.0_all.deb')]);
    const signed = await runCli(['download', '--prefetch', 'other'], box.env);
    assert.equal(signed.code, 0, signed.stderr);
    assert.doesNotMatch(signed.stderr, /^W: /m);
    assert.match(signed.stderr, /Got other_1\.0_all\.deb \(2\.0 MiB, torrent/);
    execFileSync('rm', ['-f', `${manifestPath}.gpg`]);
  });
});
