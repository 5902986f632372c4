import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Manifest, sameContent, serializeManifest } from '../../src/manifest/manifest.js';
import { validateManifest } from '../../src/manifest/validate.js';

/** A sound manifest; tests break one field at a time. */
export function sampleManifest(): Manifest {
  return {
    version: 1,
    generator: 'apt-torrent 0.1.0',
    generated: '2026-01-02T03:04:05.000Z',
    archive: 'http://deb.example.org/debian/',
    suite: 'stable',
    codename: 'bookworm',
    components: ['main'],
    architectures: ['amd64', 'all'],
    trackers: ['http://tracker.example.org/announce', 'udp://tracker.example.org:6969'],
    selection: { weighting: 'size', share: 0.9, minSize: 1048576 },
    files: [{
      filename: 'pool/main/h/hello/hello_1_amd64.deb',
      size: 1234,
      sha256: 'ab'.repeat(32),
      package: 'hello',
      version: '1',
      architecture: 'amd64',
      infoHash: 'cd'.repeat(20),
      pieceLength: 262144,
      torrent: 'pool/main/h/hello/hello_1_amd64.deb.torrent',
    }],
  };
}

test('a sound manifest validates with no problems', () => {
  const { manifest, problems } = validateManifest(JSON.parse(serializeManifest(sampleManifest())));
  assert.deepEqual(problems, []);
  assert.equal(manifest!.files.length, 1);
});

test('unknown fields are allowed, for later versions', () => {
  const json = { ...sampleManifest(), futureField: 1 };
  assert.deepEqual(validateManifest(json).problems, []);
});

test('top-level problems reject the manifest, each named', () => {
  assert.deepEqual(validateManifest([]).problems, ['manifest: expected a JSON object']);
  assert.match(validateManifest({ ...sampleManifest(), version: 2 }).problems[0]!, /^version: expected 1, got 2/);
  const broken = { ...sampleManifest(), archive: 'ftp://x', suite: '', trackers: ['mailto:a'], selection: { weighting: 'x', share: 2, minSize: -1 } };
  const check = validateManifest(broken);
  assert.equal(check.manifest, undefined);
  assert.deepEqual(check.problems.map((problem) => problem.split(':')[0]), [
    'archive', 'suite', 'trackers[0]', 'selection.weighting', 'selection.share', 'selection.minSize',
  ]);
});

test('a bad entry is dropped and named; the rest of the manifest stands', () => {
  const good = sampleManifest().files[0]!;
  const json = {
    ...sampleManifest(),
    files: [
      good,
      { ...good, filename: '../../etc/passwd' },
      { ...good, filename: 'pool/x.deb', sha256: 'ABC' },
      { ...good, filename: 'pool/y.deb', infoHash: 'zz', pieceLength: 1000, torrent: '/etc/x.torrent' },
      { ...good, filename: 'pool/z.deb', size: -1, torrent: 'https://torrents.example.org/z.torrent' },
      good,
      'not an object',
    ],
  };
  const { manifest, problems } = validateManifest(json);
  assert.equal(manifest!.files.length, 1);
  assert.deepEqual(problems.map((problem) => problem.split(':')[0]), [
    'files[1].filename',
    'files[2].sha256',
    'files[3].infoHash', 'files[3].pieceLength', 'files[3].torrent',
    'files[4].size',
    'files[5].filename',
    'files[6]',
  ]);
  assert.match(problems[6]!, /listed twice/);
});

test('serialization sorts files; sameContent ignores only the generation time', () => {
  const a = sampleManifest();
  a.files.push({ ...a.files[0]!, filename: 'pool/main/a/a/a_1_all.deb' });
  assert.ok(serializeManifest(a).indexOf('pool/main/a/a') < serializeManifest(a).indexOf('pool/main/h/hello'));
  assert.ok(sameContent(a, { ...a, generated: '2030-01-01T00:00:00.000Z' }));
  assert.ok(!sameContent(a, { ...a, trackers: [] }));
});
