import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { discoverManifests, type DiscoverOptions } from '../../src/fetch/discover.js';
import { directNetwork } from '../../src/fetch/network.js';
import type { AptSource } from '../../src/fetch/resolve.js';
import { TestMirror } from '../helpers/mirror.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

const MANIFEST = `${JSON.stringify({
  version: 1,
  generator: 'test',
  generated: '2026-01-01T00:00:00Z',
  archive: 'http://127.0.0.1/',
  suite: 'stable',
  components: ['main'],
  architectures: ['all'],
  trackers: ['http://127.0.0.1:9/announce'],
  selection: { weighting: 'size', share: 1, minSize: 0 },
  files: [{
    filename: 'pool/main/b/big/big_1_all.deb',
    size: 1000,
    sha256: 'ab'.repeat(32),
    package: 'big',
    version: '1',
    architecture: 'all',
    infoHash: 'cd'.repeat(20),
    pieceLength: 1048576,
    torrent: 'pool/main/b/big/big_1_all.deb.torrent',
  }],
}, null, 2)}\n`;

/**
 * How the manifest of a source is found: the suite's Release, which APT
 * keeps verified in its lists, says whether one is published and what its
 * bytes are, so a copy already at hand needs no request, and (for a caller
 * that would not use it) a manifest nothing could vouch for is not asked for.
 */
describe('discoverManifests and the suite\'s Release', () => {
  let dir: string;
  let mirror: TestMirror;
  let source: AptSource;
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const manifestRequests = () => mirror.requests.filter((request) => request.path.endsWith('/manifest.json')).length;
  const writeRelease = (listed: boolean) => writeFileSync(join(dir, 'lists/stable_Release'), [
    'Suite: stable',
    'SHA256:',
    ...(listed ? [` ${sha256(MANIFEST)} ${Buffer.byteLength(MANIFEST)} apt-torrent/manifest.json`] : []),
    ` ${'0'.repeat(64)} 10 main/binary-all/Packages`,
    '',
  ].join('\n'));
  const options = (extra: Partial<DiscoverOptions> = {}): DiscoverOptions => ({
    network: directNetwork(2),
    cacheDir: join(dir, 'cache'),
    timeoutMs: 5000,
    warn: (message) => assert.fail(`unexpected warning: ${message}`),
    ...extra,
  });

  before(async () => {
    dir = tempDir('discover');
    mkdirSync(join(dir, 'mirror/dists/stable/apt-torrent'), { recursive: true });
    mkdirSync(join(dir, 'lists'));
    writeFileSync(join(dir, 'mirror/dists/stable/apt-torrent/manifest.json'), MANIFEST);
    mirror = new TestMirror(join(dir, 'mirror'));
    await mirror.start();
    source = { repoUri: mirror.url, release: 'stable', releaseFiles: [join(dir, 'lists/stable_InRelease'), join(dir, 'lists/stable_Release')] };
  });

  beforeEach(() => removeTempDir(join(dir, 'cache')));

  after(async () => {
    await mirror.stop();
    removeTempDir(dir);
  });

  it('asks the mirror once for a manifest the Release lists, then takes the cached copy with the same SHA256 without a request', async () => {
    writeRelease(true);
    const before = manifestRequests();
    const first = await discoverManifests([source], options());
    assert.equal(first[0]?.trustedBy, 'release');
    assert.equal(manifestRequests(), before + 1);
    const second = await discoverManifests([source], options());
    assert.equal(second[0]?.trustedBy, 'release');
    assert.deepEqual(second[0]?.files, first[0]?.files);
    assert.equal(manifestRequests(), before + 1, 'no second request');
  });

  it('fetches again when the cached copy is not what the Release lists', async () => {
    writeRelease(true);
    await discoverManifests([source], options());
    const cache = join(dir, 'cache');
    for (const name of readdirSync(cache).filter((file) => file.endsWith('.body'))) writeFileSync(join(cache, name), MANIFEST.replace('"test"', '"else"'));
    const before = manifestRequests();
    const found = await discoverManifests([source], options());
    assert.equal(found[0]?.trustedBy, 'release');
    assert.equal(manifestRequests(), before + 1);
  });

  it('with skipUnvouched, leaves a manifest the Release does not list unasked over plain http', async () => {
    writeRelease(false);
    const before = manifestRequests();
    assert.deepEqual(await discoverManifests([source], options({ skipUnvouched: true })), []);
    assert.equal(manifestRequests(), before);
  });

  it('without it, fetches that manifest, which nothing vouches for', async () => {
    writeRelease(false);
    const before = manifestRequests();
    const found = await discoverManifests([source], options());
    assert.equal(found.length, 1);
    assert.equal(found[0]?.trustedBy, undefined);
    assert.equal(manifestRequests(), before + 1);
  });
});
