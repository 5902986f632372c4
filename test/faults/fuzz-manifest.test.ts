/**
 * Fuzzing what a mirror publishes and what the publisher reads: manifests
 * (JSON from the network), Release files, popcon data; and what `serve`
 * reads from its clients (Range headers, request paths).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parsePopcon } from '../../src/publish/popcon.js';
import { checkAgainstRelease } from '../../src/fetch/release-check.js';
import { packagesIndexes, parseRelease, stripClearsign } from '../../src/apt/release.js';
import { validateManifest } from '../../src/manifest/validate.js';
import { decideRange } from '../../src/serve/range.js';
import { decidePath } from '../../src/serve/request-path.js';
import { sha256 } from '../helpers/hash.js';
import { anyText, check, NASTY, reportRuns, soup, timed } from './helpers/fuzz.js';

reportRuns('manifest');

const SHA = 'c'.repeat(64);

/** A sound manifest with fields replaced by hostile values. */
const manifestJson = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom('version', 'generator', 'generated', 'archive', 'suite', 'codename', 'components', 'architectures', 'trackers', 'selection', 'files', '__proto__'), fc.jsonValue({ maxDepth: 3 })), { maxLength: 2 }),
    fc.array(
      fc.tuple(
        fc.array(fc.tuple(fc.constantFrom('filename', 'size', 'sha256', 'package', 'version', 'architecture', 'infoHash', 'pieceLength', 'torrent', '__proto__'), fc.oneof(fc.jsonValue({ maxDepth: 2 }), anyText)), { maxLength: 3 }),
        fc.boolean(),
      ),
      { maxLength: 4 },
    ),
  )
  .map(([top, files]) => {
    const file = () => ({
      filename: 'pool/main/a/a/a_1_all.deb', size: 100, sha256: SHA, package: 'a', version: '1', architecture: 'all',
      infoHash: 'd'.repeat(40), pieceLength: 1 << 20, torrent: 'pool/main/a/a/a_1_all.deb.torrent',
    });
    const manifest: Record<string, unknown> = {
      version: 1, generator: 'apt-torrent 0.1.0', generated: '2026-01-01T00:00:00Z', archive: 'http://m/debian/', suite: 'stable',
      components: ['main'], architectures: ['all'], trackers: ['http://t/announce'], selection: { weighting: 'size', share: 0.9, minSize: 0 },
      files: files.map(([edits, replaceWhole]) => (replaceWhole && edits[0] ? edits[0][1] : Object.assign(file(), Object.fromEntries(edits)))),
    };
    for (const [key, value] of top) manifest[key] = value;
    // Through JSON text, as from the network: `__proto__` becomes an own key, as JSON.parse makes it.
    return JSON.stringify(manifest);
  });

describe('fuzz: manifests', () => {
  it('validateManifest never throws, and what it keeps is safe to use', () => {
    check('manifest', fc.oneof({ weight: 4, arbitrary: manifestJson }, { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) }), (text) => {
      const { manifest, problems } = validateManifest(JSON.parse(text));
      assert.ok(Array.isArray(problems));
      for (const problem of problems) assert.ok(problem.length < 400, problem);
      if (!manifest) return;
      assert.equal(manifest.version, 1);
      for (const file of manifest.files) {
        assert.ok(!file.filename.startsWith('/') && !file.filename.split('/').includes('..') && !file.filename.includes('\0'), file.filename);
        assert.ok(Number.isSafeInteger(file.size) && file.size >= 0);
        assert.match(file.sha256, /^[0-9a-f]{64}$/);
        assert.match(file.infoHash, /^[0-9a-f]{40}$/);
        assert.ok(/^https?:\/\//.test(file.torrent) || !file.torrent.split('/').includes('..'));
      }
    }, 2000);
  });

  it('corpus: deeply nested values, huge numbers and strings give problems, not a crash', () => {
    const deep = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    const base = JSON.parse(JSON.stringify({
      version: 1, generator: 'g', generated: '2026-01-01T00:00:00Z', archive: 'http://m/', suite: 's', components: ['main'], architectures: ['all'],
      trackers: [], selection: { weighting: 'size', share: 1, minSize: 0 }, files: [],
    }));
    const fileOf = (fields: Record<string, unknown>) => ({
      filename: 'pool/a.deb', size: 1, sha256: SHA, package: 'a', version: '1', architecture: 'all', infoHash: 'd'.repeat(40), pieceLength: 1 << 20, torrent: 'pool/a.deb.torrent', ...fields,
    });
    const cases: Array<[string, unknown]> = [
      ['version nested 100,000 deep', { ...base, version: deep(100_000) }],
      ['generator nested 100,000 deep', { ...base, generator: deep(100_000) }],
      ['selection nested 100,000 deep', { ...base, selection: deep(100_000) }],
      ['a file nested 100,000 deep', { ...base, files: [deep(100_000)] }],
      ['a filename nested 100,000 deep', { ...base, files: [fileOf({ filename: deep(100_000) })] }],
      ['a size of 1e308', { ...base, files: [fileOf({ size: 1e308 })] }],
      ['a size of 2^53', { ...base, files: [fileOf({ size: 2 ** 53 })] }],
      ['a megabyte filename', { ...base, files: [fileOf({ filename: 'a/'.repeat(500_000) })] }],
      ['a filename with ..', { ...base, files: [fileOf({ filename: 'pool/../../etc/passwd' })] }],
      ['a filename with NUL', { ...base, files: [fileOf({ filename: 'pool/a\0.deb' })] }],
      ['a torrent outside the archive', { ...base, files: [fileOf({ torrent: '/etc/passwd' })] }],
      ['a torrent with a file: URL', { ...base, files: [fileOf({ torrent: 'file:///etc/passwd' })] }],
    ];
    for (const [name, json] of cases) {
      const { manifest, problems } = timed(() => validateManifest(json), 2000);
      assert.equal(manifest?.files.length ?? 0, 0, name);
      assert.ok(problems.length > 0, name);
      for (const problem of problems) assert.ok(problem.length < 400, `${name}: ${problem.length} characters`);
    }
  });
});

describe('fuzz: Release files', () => {
  const release = soup([
    'Suite: stable\n', 'Codename: x\n', 'Components: main contrib\n', 'Architectures: amd64 all\n', 'SHA256:\n',
    ` ${SHA} 123 main/binary-amd64/Packages\n`, ` ${SHA} 123 main/binary-all/Packages.xz\n`, ` ${SHA} 99999999999999999999 apt-torrent/manifest.json\n`,
    ` ${SHA} 5 apt-torrent/manifest.json\n`, '-----BEGIN PGP SIGNED MESSAGE-----\n', 'Hash: SHA512\n\n', '\n-----BEGIN PGP SIGNATURE-----\n', '- ', '\n', '\r\n', ' ',
  ]);

  it('parseRelease, packagesIndexes and checkAgainstRelease never throw', () => {
    check('release', fc.tuple(release, fc.uint8Array({ maxLength: 8 })), ([text, bytes]) => {
      const parsed = parseRelease(text);
      for (const entry of parsed.files.values()) {
        assert.match(entry.sha256, /^[0-9a-f]{64}$/);
        assert.ok(Number.isFinite(entry.size) || entry.size === Infinity);
      }
      for (const index of packagesIndexes(parsed)) assert.ok(index.variants.length > 0);
      stripClearsign(text);
      const verdict = checkAgainstRelease(text, bytes);
      if (verdict.kind === 'match') {
        assert.equal(parsed.files.get('apt-torrent/manifest.json')?.sha256, sha256(bytes));
      }
    }, 2000);
  });

  it('corpus: a manifest listed with an impossible size never matches', () => {
    const text = `SHA256:\n ${sha256('')} 99999999999999999999 apt-torrent/manifest.json\n`;
    assert.equal(checkAgainstRelease(text, Buffer.alloc(0)).kind, 'mismatch');
  });
});

describe('fuzz: popcon', () => {
  it('parsePopcon never throws and keeps only package names with counts', () => {
    const line = fc.tuple(fc.oneof(fc.constantFrom('1', '22'), anyText), fc.oneof(fc.constantFrom('dpkg', 'libc6', 'a+b.c-d'), anyText), fc.oneof(fc.constantFrom('207011', '0'), anyText), fc.oneof(fc.constantFrom(' 1 2 3 (Maint)', ''), anyText))
      .map(([rank, name, inst, rest]) => `${rank} ${name}\t${inst}${rest}`);
    const text = fc.oneof(
      fc.array(fc.oneof(line, fc.constantFrom('#rank name inst', '----------', '', '   ')), { maxLength: 8 }).map((lines) => lines.join('\n')),
      soup(['1 ', 'dpkg ', '207011 ', '\n', '#', '---\n', '\t']),
    );
    check('popcon', text, (input) => {
      const { installs, skipped } = parsePopcon(input);
      for (const [name, count] of installs) {
        assert.match(name, /^[a-z0-9][a-z0-9+.-]+$/);
        assert.ok(Number.isInteger(count) && count >= 0);
      }
      for (const entry of skipped) assert.ok(entry.text.length <= 80);
    }, 2000);
  });

  it('corpus: counts past 2^53 are skipped, not taken as Infinity', () => {
    const { installs, skipped } = parsePopcon(`1 dpkg ${'9'.repeat(400)} 1 1 1 1 (x)\n2 libc6 9007199254740992\n3 bash 5\n`);
    assert.deepEqual([...installs], [['bash', 5]]);
    assert.deepEqual(skipped.map((entry) => entry.line), [1, 2]);
  });

  it('corpus: a 20 MB file is read in linear time', () => {
    const big = '1 dpkg 207011 194080 1227 11691 13 (Dpkg Developers)\n'.repeat(400_000);
    assert.equal(timed(() => parsePopcon(big), 5000).installs.get('dpkg'), 207011);
  });
});

describe('fuzz: what serve reads from clients', () => {
  it('decideRange answers any header with a range inside the file, the whole file or 416', () => {
    const header = fc.oneof(soup(['bytes', '=', '-', ',', ' ', '0', '100', '99999999999999999999', 'BYTES']), fc.constantFrom(...NASTY));
    check('serve-range', fc.tuple(fc.option(header, { nil: undefined }), fc.oneof(fc.nat(), fc.constantFrom(0, 1, Number.MAX_SAFE_INTEGER))), ([value, size]) => {
      const decision = decideRange(value, size);
      if (decision.kind === 'partial') {
        assert.ok(Number.isSafeInteger(decision.start) && Number.isSafeInteger(decision.end), JSON.stringify(decision));
        assert.ok(decision.start >= 0 && decision.start <= decision.end && decision.end < size, JSON.stringify(decision));
      }
    }, 2000);
  });

  it('decidePath never gives a path that can leave the archive root', () => {
    const target = soup(['/', '..', '.', '%2e', '%2E%2e', '%2f', '%5c', '%00', '\\', 'pool', '?', '#', '%', '%zz', '//']);
    check('serve-path', target, (value) => {
      const decision = decidePath(value);
      // '' is the archive root itself (a directory: 404).
      if (decision.kind !== 'file' || decision.relative === '') return;
      assert.ok(!decision.relative.startsWith('/'), decision.relative);
      assert.ok(decision.relative.split('/').every((part) => part !== '..' && part !== '.' && part !== ''), decision.relative);
      assert.doesNotMatch(decision.relative, /[\\\0]/);
    }, 2000);
  });
});
