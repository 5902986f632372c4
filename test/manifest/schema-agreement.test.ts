/**
 * The manifest schema means the same to apt-torrent as to a third-party
 * validator (Debian's python3-jsonschema): on generated good and bad
 * manifests both find problems at exactly the same places, and
 * validateManifest keeps only what the schema allows.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import fc from 'fast-check';
import { manifestSchemaProblems } from '../../src/manifest/manifest-schema.js';
import { validateManifest } from '../../src/manifest/validate.js';

const SCHEMA = fileURLToPath(new URL('../../../manifests/manifest.schema.json', import.meta.url));
const PYTHON = '/usr/bin/python3';
const hasJsonschema = spawnSync(PYTHON, ['-c', 'import jsonschema']).status === 0;

/** Every place python3-jsonschema finds at fault, per manifest; a missing required field is placed at the field, as ours are. */
const PLACES = [
  'import json, sys, jsonschema',
  'validator = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))',
  'def places(error):',
  '    path = list(error.absolute_path)',
  '    if error.validator == "required":',
  '        return [path + [key] for key in error.validator_value if key not in error.instance]',
  '    return [path]',
  'manifests = json.loads(sys.stdin.buffer.read())',
  'json.dump([sorted({json.dumps(place, separators=(",", ":")) for error in validator.iter_errors(m) for place in places(error)}) for m in manifests], sys.stdout)',
].join('\n');

// Pieces of text where the two regular-expression engines could part: line breaks, NUL, backslashes, dot segments, schemes.
const TOKENS = ['pool', 'a', '.', '..', '/', '//', '\\', '\0', '\n', '\r', '\u2028', ':', 'x:', 'C:', 'http://', 'https://h/', 'HTTP://', 'udp://t:1', 'wss://', 'ftp://', ' ', 'é', '😀', 'ab'.repeat(32), 'cd'.repeat(20), 'AB', 'T'];
const text = fc.array(fc.constantFrom(...TOKENS), { maxLength: 6 }).map((parts) => parts.join(''));
const EDGES = [0, -1, 1.5, 2 ** 53, 2 ** 53 - 1, 1e308, 16384, 16383, 2 ** 24, 2 ** 25, 1 << 20, 0.5, 1, 2, true, false, null, '', '1', 'size', 'popcon', [], {}, ['main'], ['']];
/** A field's new value; `undefined` removes the field. */
const value = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 3, arbitrary: fc.constantFrom<unknown>(...EDGES, undefined) },
  { weight: 1, arbitrary: fc.constantFrom('c'.repeat(64), `${'c'.repeat(64)}\n`, 'd'.repeat(40), `${'d'.repeat(40)}\n`, 'C'.repeat(64)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

const TOP = ['version', 'generator', 'generated', 'archive', 'suite', 'codename', 'components', 'architectures', 'trackers', 'selection', 'files',
  'selection.weighting', 'selection.share', 'selection.minSize', 'trackers.0', 'trackers.1', 'components.0'];
const FILE = ['filename', 'size', 'sha256', 'package', 'version', 'architecture', 'infoHash', 'pieceLength', 'torrent'];

function soundFile(index: number): Record<string, unknown> {
  return {
    filename: `pool/main/a/a${index}/a${index}_1_all.deb`, size: 100, sha256: 'c'.repeat(64), package: `a${index}`, version: '1', architecture: 'all',
    infoHash: 'd'.repeat(40), pieceLength: 1 << 20, torrent: index % 2 === 0 ? `pool/main/a/a${index}/a${index}_1_all.deb.torrent` : `https://torrents.example/a${index}.torrent`,
  };
}

function set(object: Record<string, unknown>, key: string, replacement: unknown): void {
  if (replacement === undefined) delete object[key];
  else object[key] = replacement;
}

/** A sound manifest with a few fields replaced or removed, sometimes not a manifest at all; as JSON text from the network would give it. */
const manifest = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.tuple(
      fc.array(fc.tuple(fc.constantFrom(...TOP), value), { maxLength: 2 }),
      fc.array(fc.array(fc.tuple(fc.constantFrom(...FILE), value), { maxLength: 2 }), { maxLength: 4 }),
      fc.boolean(),
    ).map(([top, files, duplicate]) => {
      const json: Record<string, unknown> = {
        version: 1, generator: 'apt-torrent 0.1.0', generated: '2026-01-02T03:04:05.000Z', archive: 'http://deb.example.org/debian/', suite: 'stable',
        codename: 'bookworm', components: ['main'], architectures: ['amd64', 'all'], trackers: ['http://t.example/announce', 'udp://t.example:6969'],
        selection: { weighting: 'size', share: 0.9, minSize: 0 },
        files: files.map((edits, index) => {
          const file = soundFile(index);
          for (const [key, replacement] of edits) set(file, key, replacement);
          return file;
        }),
      };
      if (duplicate && files.length > 0) (json.files as unknown[]).push(soundFile(0));
      for (const [place, replacement] of top) {
        const [key, inner] = place.split('.') as [string, string | undefined];
        const parent = json[key];
        if (inner === undefined) set(json, key, replacement);
        else if (typeof parent === 'object' && parent !== null) set(parent as Record<string, unknown>, inner, replacement);
      }
      return JSON.parse(JSON.stringify(json)) as unknown;
    }),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** The messages only validateManifest gives: what a JSON Schema cannot say. */
const BEYOND_SCHEMA = /: expected a well-formed URL, got |^generated: expected an ISO 8601 date, got |: .* is listed twice$/;

test('python3-jsonschema and apt-torrent find fault at the same places; validateManifest keeps only what the schema allows', { skip: !hasJsonschema && 'python3-jsonschema is not installed' }, () => {
  const manifests = fc.sample(manifest, 600);
  const python = spawnSync(PYTHON, ['-c', PLACES, SCHEMA], { input: JSON.stringify(manifests), encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(python.status, 0, python.stderr);
  const theirs = JSON.parse(python.stdout) as string[][];
  assert.equal(theirs.length, manifests.length);
  let sound = 0;
  let droppedFiles = 0;
  manifests.forEach((json, index) => {
    const shown = JSON.stringify(json);
    const places = theirs[index]!;
    const ours = [...new Set(manifestSchemaProblems(json).map((problem) => JSON.stringify(problem.path)))].sort();
    assert.deepEqual(ours, [...places].sort(), `the places at fault in ${shown}`);

    const check = validateManifest(json);
    const paths = places.map((place) => JSON.parse(place) as Array<string | number>);
    const badFiles = new Set(paths.filter(([field, at]) => field === 'files' && typeof at === 'number').map(([, at]) => at as number));
    const topLevelBad = paths.some(([field, at]) => field !== 'files' || typeof at !== 'number');
    if (places.length === 0) sound += 1;
    if (topLevelBad) {
      assert.equal(check.manifest, undefined, `rejected: ${shown}`);
      return;
    }
    const beyond = check.problems.filter((problem) => BEYOND_SCHEMA.test(problem));
    if (!check.manifest) {
      assert.ok(beyond.length > 0 && beyond.every((problem) => !problem.startsWith('files[')), `rejected only for what the schema cannot say: ${check.problems.join('; ')} in ${shown}`);
      return;
    }
    const files = (json as { files: unknown[] }).files;
    files.forEach((file, at) => {
      const kept = check.manifest!.files.includes(file as never);
      if (badFiles.has(at)) assert.ok(!kept, `files[${at}] dropped: ${shown}`);
      else if (!kept) assert.ok(beyond.some((problem) => problem.startsWith(`files[${at}]`)), `files[${at}] dropped only for what the schema cannot say: ${check.problems.join('; ')}`);
      if (!kept) droppedFiles += 1;
    });
    for (const problem of check.problems.filter((text) => !BEYOND_SCHEMA.test(text))) {
      assert.ok(badFiles.has(Number(/^files\[(\d+)\]/.exec(problem)?.[1])), `${problem} names a file the schema refuses`);
    }
    for (const at of badFiles) assert.ok(check.problems.some((problem) => problem.startsWith(`files[${at}]`)), `files[${at}] is named: ${shown}`);
  });
  // The generator must give both kinds, or the comparison says little.
  assert.ok(sound > 20 && sound < manifests.length - 100, `${sound} sound manifests of ${manifests.length}`);
  assert.ok(droppedFiles > 50, `${droppedFiles} files dropped`);
});
