import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { parseTorrent } from '../../src/bittorrent/torrent.js';
import { validateManifest } from '../../src/manifest/validate.js';
import { MIRROR_LAYOUT, TestArchive } from '../helpers/archive.js';
import { runCli } from '../helpers/cli.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

const MANIFEST = 'dists/stable/apt-torrent/manifest.json';
const SCHEMA = new URL('../../../manifests/manifest.schema.json', import.meta.url);
let archive: TestArchive;

function publishArgs(root: string, ...extra: string[]): string[] {
  return ['publish', '--archive-root', root, '--suite', 'stable', '--base-url', 'http://mirror-a.example/debian/', '--min-size', '100k', ...extra];
}

function readManifest(root: string, path = MANIFEST) {
  const check = validateManifest(JSON.parse(readFileSync(join(root, path), 'utf8')));
  assert.deepEqual(check.problems, []);
  return check.manifest!;
}

before(() => {
  archive = new TestArchive(MIRROR_LAYOUT);
  archive.add({ name: 'big', version: '1.0', payload: 3_000_000 });
  archive.add({ name: 'docs', version: '2.0', payload: 1_500_000, architecture: 'all' });
  archive.add({ name: 'mid', version: '1.0', payload: 600_000 });
  archive.add({ name: 'tiny', version: '1.0', payload: 20_000 });
  archive.index();
});

const temporary: string[] = [];
/** A scratch directory removed after the file's tests. */
function scratch(name: string): string {
  const dir = tempDir(name);
  temporary.push(dir);
  return dir;
}

after(() => {
  archive.dispose();
  for (const dir of temporary) removeTempDir(dir);
});

test('publish chooses by size, verifies, and writes a manifest that validates against its schema', async () => {
  const run = await runCli(publishArgs(archive.root, '--share', '0.85', '--tracker', 'http://tracker.example/announce'));
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Chosen: 2 of 4 packages \(50\.0%\)/);
  assert.match(run.stdout, /Largest chosen:\n +2\.\d MiB {2}big 1\.0 amd64\n +1\.\d MiB {2}docs 2\.0 all/);
  assert.match(run.stderr, /hashed 2 file\(s\)/);
  const manifest = readManifest(archive.root);
  assert.deepEqual(manifest.files.map((file) => file.package), ['big', 'docs']);
  assert.deepEqual(manifest.architectures, ['amd64', 'all']);
  assert.deepEqual(manifest.trackers, ['http://tracker.example/announce']);
  for (const file of manifest.files) {
    const torrent = parseTorrent(readFileSync(join(archive.root, file.torrent)));
    assert.equal(torrent.infoHash, file.infoHash);
    assert.equal(torrent.info.length, file.size);
    assert.equal(torrent.info.name, file.filename.split('/').pop());
    assert.deepEqual(torrent.webSeeds, [`http://mirror-a.example/debian/${file.filename}`]);
  }
  const gz = JSON.parse(gunzipSync(readFileSync(join(archive.root, `${MANIFEST}.gz`))).toString());
  assert.deepEqual(gz, JSON.parse(readFileSync(join(archive.root, MANIFEST), 'utf8')));
});

const hasJsonschema = spawnSync('/usr/bin/python3', ['-c', 'import jsonschema']).status === 0;

test('the manifest validates against manifests/manifest.schema.json with a third-party validator', { skip: !hasJsonschema && 'python3-jsonschema is not installed' }, () => {
  // Debian's python3 with Debian's python3-jsonschema (test/setup.sh installs it), whatever python3 PATH finds.
  const python = spawnSync('/usr/bin/python3', ['-c', [
    'import json, sys, jsonschema',
    'schema = json.load(open(sys.argv[1])); jsonschema.Draft202012Validator.check_schema(schema)',
    'manifest = json.load(open(sys.argv[2]))',
    'jsonschema.validate(manifest, schema, format_checker=jsonschema.FormatChecker())',
    'for field, bad in [("sha256", "XYZ"), ("filename", "../etc/passwd"), ("torrent", "/abs.torrent"), ("pieceLength", 1000)]:',
    '    broken = json.loads(json.dumps(manifest)); broken["files"][0][field] = bad',
    '    assert list(jsonschema.Draft202012Validator(schema).iter_errors(broken)), field',
    'print("ok")',
  ].join('\n'), fileURLToPath(SCHEMA), join(archive.root, MANIFEST)], { encoding: 'utf8' });
  assert.equal(python.stdout.trim(), 'ok', python.stderr);
});

test('infohashes do not depend on --base-url or --tracker; they equal mktorrent\'s', async () => {
  const out = scratch('out');
  const run = await runCli(publishArgs(archive.root, '--share', '0.85', '--base-url', 'https://mirror-b.example', '--tracker', 'udp://t1.example:6969', '--tracker', 'http://t2.example/announce',
    '--out', join(out, 'manifest'), '--torrent-root', join(out, 'torrents')));
  assert.equal(run.code, 0, run.stderr);
  const first = readManifest(archive.root);
  const second = readManifest(out, 'manifest/manifest.json');
  assert.deepEqual(second.files.map((file) => file.infoHash), first.files.map((file) => file.infoHash));
  assert.equal(second.archive, 'https://mirror-b.example/');

  for (const file of second.files) {
    const ours = join(out, 'torrents', file.torrent);
    assert.deepEqual(parseTorrent(readFileSync(ours)).trackers, ['udp://t1.example:6969', 'http://t2.example/announce']);
    const theirs = join(out, `${file.package}.mktorrent`);
    execFileSync('mktorrent', ['-l', String(Math.log2(file.pieceLength)), '-a', 'http://other.example/announce', '-o', theirs, join(archive.root, file.filename)], { stdio: 'ignore' });
    assert.equal(parseTorrent(readFileSync(theirs)).infoHash, file.infoHash, `mktorrent agrees on ${file.package}`);

    const shown = execFileSync('transmission-show', [ours], { encoding: 'utf8' });
    assert.match(shown, new RegExp(`Hash: ${file.infoHash}`));
    assert.match(shown, new RegExp(`https://mirror-b.example/${file.filename}`));
    const aria = execFileSync('aria2c', ['-S', ours], { encoding: 'utf8' });
    assert.match(aria, new RegExp(`Info Hash: ${file.infoHash}`));
    assert.match(aria, /Mode: single/);
  }
});

test('a second run hashes only new or changed files, rewrites torrents for new trackers, removes stale ones', async () => {
  const root = new TestArchive(MIRROR_LAYOUT);
  for (const name of ['alpha', 'bravo', 'charlie']) root.add({ name, version: '1', payload: 400_000 });
  root.index();
  const args = publishArgs(root.root, '--share', '1');
  let run = await runCli(args);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /hashed 3 file\(s\).*reused 0 torrent\(s\)/);
  const before = readManifest(root.root);

  run = await runCli(args);
  assert.match(run.stderr, /hashed 0 file\(s\).*reused 3 torrent\(s\); removed 0/);
  assert.match(run.stderr, /unchanged: .*manifest\.json/, 'nothing changed: the manifest is left as it was');
  assert.equal(readManifest(root.root).generated, before.generated);

  // bravo gets new bytes under a new version, charlie leaves the archive.
  const charlieTorrent = join(root.root, `${root.pool.get('charlie')}.torrent`);
  root.add({ name: 'bravo', version: '2', payload: 400_000 });
  root.remove('charlie');
  execFileSync('rm', [join(root.root, 'pool/main/b/bravo/bravo_1_amd64.deb')]);
  root.index();
  run = await runCli([...args, '--tracker', 'http://new-tracker.example/announce']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /hashed 1 file\(s\).*reused 1 torrent\(s\) \(1 rewritten for new trackers or base URL\); removed 2 stale torrent\(s\)/);
  assert.equal(existsSync(charlieTorrent), false);
  assert.equal(existsSync(join(root.root, 'pool/main/b/bravo/bravo_1_amd64.deb.torrent')), false);
  const after = readManifest(root.root);
  assert.deepEqual(after.files.map((file) => `${file.package} ${file.version}`), ['alpha 1', 'bravo 2']);
  assert.equal(after.files[0]!.infoHash, before.files[0]!.infoHash);

  run = await runCli([...args, '--tracker', 'http://new-tracker.example/announce', '--rehash']);
  assert.match(run.stderr, /hashed 2 file\(s\)/);
});

test('indexes compressed with xz or gzip only are read and checked against Release', async () => {
  for (const format of ['xz', 'gz'] as const) {
    const root = new TestArchive(MIRROR_LAYOUT);
    root.add({ name: 'solo', version: '1', payload: 300_000 });
    root.index({ formats: [format] });
    const run = await runCli(publishArgs(root.root, '--dry-run'));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Chosen: 1 of 1 packages/);
    assert.equal(existsSync(join(root.root, MANIFEST)), false, 'a dry run writes nothing');
  }
});

test('bad archives are named clearly and unverifiable files are never published', async () => {
  const root = new TestArchive(MIRROR_LAYOUT);
  for (const name of ['good', 'gone', 'forged']) root.add({ name, version: '1', payload: 300_000 });
  root.index();
  const empty = scratch('empty');
  let run = await runCli(publishArgs(empty));
  assert.equal(run.code, 7);
  assert.match(run.stderr, /error \[E_ARCHIVE\]: no dists\/stable\/Release or dists\/stable\/InRelease/);

  // Same size, other bytes: only the SHA256 can tell.
  const forged = join(root.root, root.pool.get('forged')!);
  const bytes = readFileSync(forged);
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
  writeFileSync(forged, bytes);
  root.remove('gone');
  run = await runCli(publishArgs(root.root, '--share', '1'));
  assert.equal(run.code, 7, run.stderr);
  assert.match(run.stderr, /problem: pool\/main\/f\/forged\/forged_1_amd64\.deb \(forged 1\): SHA256 [0-9a-f]{64} does not match the index/);
  assert.match(run.stderr, /problem: pool\/main\/g\/gone\/gone_1_amd64\.deb \(gone 1\): listed in the index but missing from the pool/);
  assert.match(run.stderr, /error \[E_ARCHIVE\]: 2 chosen file\(s\) could not be verified/);
  assert.deepEqual(readManifest(root.root).files.map((file) => file.package), ['good']);
  assert.equal(existsSync(`${forged}.torrent`), false);

  // An index edited after Release was written.
  const packages = join(root.root, 'dists/stable/main/binary-amd64/Packages');
  writeFileSync(packages, `${readFileSync(packages, 'utf8')}\n`);
  run = await runCli(publishArgs(root.root));
  assert.equal(run.code, 7);
  assert.match(run.stderr, /dists\/stable\/main\/binary-amd64\/Packages does not match Release/);

  run = await runCli(publishArgs(root.root, '--arch', 'arm64'));
  assert.match(run.stderr, /lists no Packages index for main\/binary-arm64/);
});

test('popcon weighs the choice and the manifest says so', async () => {
  const dir = scratch('popcon');
  const popcon = join(dir, 'by_inst');
  // mid is small but installed everywhere; big and docs barely.
  writeFileSync(popcon, '#rank name inst vote old recent no-files (maintainer)\n1 mid  9000 1 1 1 1 (x)\n2\tbig\t3 1 1 1 1\n3 docs 1 1 1 1 1\n4 elsewhere 500 1 1 1 1\n-----\n5 Total 1 1 1 1 1\n');
  const out = join(dir, 'out');
  const run = await runCli(publishArgs(archive.root, '--popcon', popcon, '--share', '0.5', '--out', out, '--torrent-root', join(dir, 't')));
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /expected bandwidth = size x popcon installs/);
  assert.match(run.stdout, /1 packages of the index have no popcon entry \(weight 0\); 1 popcon names are not in the index/);
  const manifest = validateManifest(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).manifest!;
  assert.deepEqual(manifest.files.map((file) => file.package), ['mid']);
  assert.equal(manifest.selection.weighting, 'popcon');
});

test('usage errors name the option', async () => {
  let run = await runCli(['publish', '--suite', 'stable']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--archive-root is required/);
  run = await runCli(publishArgs(archive.root, '--share', '1.5'));
  assert.match(run.stderr, /--share 1\.5 is not a number from 0 to 1/);
  run = await runCli(publishArgs(archive.root, '--min-size', 'lots'));
  assert.match(run.stderr, /--min-size lots is not a size/);
  run = await runCli(publishArgs(archive.root, '--tracker', 'nonsense'));
  assert.match(run.stderr, /--tracker nonsense is not a tracker URL/);
});
