import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { MANIFEST_VERSION, type Manifest, sameContent, serializeManifest } from '../../src/manifest/manifest.js';
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
  assert.deepEqual(validateManifest([]).problems, ['manifest: expected a JSON object, got []']);
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

test('messages name the field and say what the schema asks for', () => {
  const good = sampleManifest().files[0]!;
  const check = validateManifest({ ...sampleManifest(), files: [{ ...good, sha256: 'AB' }, { ...good, filename: 'pool/b.deb', pieceLength: 1000 }, { ...good, filename: 'pool/c.deb', torrent: 'ftp://x' }] });
  assert.deepEqual(check.problems, [
    'files[0].sha256: expected 64 lower-case hex digits, got "AB"',
    'files[1].pieceLength: expected a power of two from 16 KiB to 16 MiB, got 1000',
    'files[2].torrent: expected a path inside the archive (no leading /, no ..) or an http(s) URL, got "ftp://x"',
  ]);
  const { version: _, ...unversioned } = sampleManifest();
  assert.deepEqual(validateManifest(unversioned).problems, ['version: expected 1, got nothing (a newer manifest format needs a newer apt-torrent)']);
  assert.deepEqual(validateManifest({ ...sampleManifest(), selection: { share: 1 } }).problems, [
    'selection.weighting: expected "size" or "popcon", got nothing',
    'selection.minSize: expected a non-negative integer, got nothing',
  ]);
});

test('the schema says what the code cannot get wrong: a path that escapes after a line break, a size past 2^53, scheme case', () => {
  const good = sampleManifest().files[0]!;
  const { manifest, problems } = validateManifest({
    ...sampleManifest(),
    files: [good, { ...good, filename: 'pool/a\n/../../../etc/passwd' }, { ...good, filename: 'pool/b.deb', size: 2 ** 53 }, { ...good, filename: 'pool/c.deb', sha256: `${'ab'.repeat(32)}\n` }],
  });
  assert.equal(manifest!.files.length, 1);
  assert.deepEqual(problems.map((problem) => problem.split(':')[0]), ['files[1].filename', 'files[2].size', 'files[3].sha256']);
  assert.match(validateManifest({ ...sampleManifest(), archive: 'HTTP://deb.example.org/' }).problems[0]!, /^archive: expected an http\(s\) URL/);
});

test('what the schema cannot say is checked beside it: URLs parse, generated is a date', () => {
  const good = sampleManifest().files[0]!;
  assert.deepEqual(validateManifest({ ...sampleManifest(), generated: 'yesterday', archive: 'http://', trackers: ['udp://t:1', 'http://[::1'] }).problems, [
    'generated: expected an ISO 8601 date, got "yesterday"',
    'archive: expected a well-formed URL, got "http://"',
    'trackers[1]: expected a well-formed URL, got "http://[::1"',
  ]);
  const { manifest, problems } = validateManifest({ ...sampleManifest(), files: [good, { ...good, filename: 'pool/x.deb', torrent: 'https://[x/x.torrent' }] });
  assert.equal(manifest!.files.length, 1);
  assert.deepEqual(problems, ['files[1].torrent: expected a well-formed URL, got "https://[x/x.torrent"']);
});

test('a URL with non-ASCII letters stays well-formed however often it is checked', () => {
  // Node 20's URL.canParse starts to answer false for such a string once optimised.
  const json = { ...sampleManifest(), archive: 'http://é' };
  for (let round = 0; round < 5000; round += 1) assert.deepEqual(validateManifest(json).problems, []);
});

test('the format version in code is the one in the schema', () => {
  const schema = JSON.parse(readFileSync(new URL('../../../manifests/manifest.schema.json', import.meta.url), 'utf8'));
  assert.equal(schema.properties.version.const, MANIFEST_VERSION);
});

test('serialization sorts files; sameContent ignores only the generation time', () => {
  const a = sampleManifest();
  a.files.push({ ...a.files[0]!, filename: 'pool/main/a/a/a_1_all.deb' });
  assert.ok(serializeManifest(a).indexOf('pool/main/a/a') < serializeManifest(a).indexOf('pool/main/h/hello'));
  assert.ok(sameContent(a, { ...a, generated: '2030-01-01T00:00:00.000Z' }));
  assert.ok(!sameContent(a, { ...a, trackers: [] }));
});
