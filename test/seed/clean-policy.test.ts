import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideClean, manifestVerdict } from '../../src/seed/clean-policy.js';
import type { SeedFacts } from '../../src/seed/entry.js';
import { findBySha256 } from '../../src/apt/packages.js';
import { indexKey } from '../../src/seed/index-lookup.js';

const facts = (pkg: string, version: string, sha: string, more: Partial<SeedFacts> = {}): SeedFacts => ({
  infoHash: sha.slice(0, 40), package: pkg, version, architecture: 'all', sha256: sha, size: 100, name: `${pkg}.deb`, pieceLength: 1 << 20,
  trackers: [], repoUri: 'http://m/', release: 'stable', addedAt: '2025-01-01', ...more,
});
const old = facts('bigdata', '1.0', '1'.repeat(64));
const kept = facts('bigdesk', '2.0', '2'.repeat(64));

describe('decideClean', () => {
  it('removes what no index lists with that package, version and SHA256', () => {
    const decision = decideClean({ entries: [old, kept], indexed: new Set([indexKey(kept)]), indexesRead: 1 });
    assert.deepEqual(decision.remove.map((item) => [item.facts.package, item.reason]), [['bigdata', 'it left the Packages indexes']]);
    assert.deepEqual(decision.keep, [kept]);
  });

  it('the same SHA256 under another version does not keep it', () => {
    const decision = decideClean({ entries: [old], indexed: new Set([indexKey({ ...old, version: '1.0+rebuild' })]), indexesRead: 1 });
    assert.equal(decision.remove.length, 1);
  });

  it('removes nothing when no index could be read: that is not "all gone"', () => {
    const decision = decideClean({ entries: [old, kept], indexed: new Set(), indexesRead: 0 });
    assert.deepEqual(decision.remove, []);
    assert.match(decision.caution!, /no Packages index/);
  });

  it('with manifest verdicts, removes what the manifest no longer lists, and keeps what it cannot tell', () => {
    const other = facts('game', '1', '3'.repeat(64));
    const decision = decideClean({
      entries: [kept, other],
      indexed: new Set([indexKey(kept), indexKey(other)]),
      indexesRead: 2,
      manifests: new Map([[kept.infoHash, 'gone'], [other.infoHash, 'unknown']]),
    });
    assert.deepEqual(decision.remove.map((item) => [item.facts.package, item.reason]), [['bigdesk', 'the manifest no longer lists it']]);
    assert.deepEqual(decision.keep, [other]);
  });
});

describe('manifestVerdict', () => {
  const listing = (files: Array<{ sha256: string; size: number }>, repoUri?: string, release?: string) => ({ repoUri, release, files });
  it('looks only at manifests of the file\'s own source, or one configured for all', () => {
    assert.equal(manifestVerdict(kept, []), 'unknown');
    assert.equal(manifestVerdict(kept, [listing([], 'http://other/', 'stable')]), 'unknown');
    assert.equal(manifestVerdict(kept, [listing([{ sha256: kept.sha256, size: 100 }], 'http://m/', 'stable')]), 'listed');
    assert.equal(manifestVerdict(kept, [listing([{ sha256: kept.sha256, size: 99 }], 'http://m/', 'stable')]), 'gone');
    assert.equal(manifestVerdict(kept, [listing([])]), 'gone');
  });
});

describe('findBySha256', () => {
  const index = [
    'Package: bigdata\nVersion: 1.1\nArchitecture: all\nFilename: pool/b/bigdata_1.1_all.deb\nSize: 100\nSHA256: ' + 'A'.repeat(64),
    'Package: bigdesk\nVersion: 2.0\nArchitecture: all\nFilename: pool/b/bigdesk_2.0_all.deb\nSize: 100\nSHA256:' + '2'.repeat(64) + '\nDescription: x\n continued',
    'SHA256: ' + '3'.repeat(64) + '\nPackage: first\nVersion: 1\nFilename: f.deb\nSize: 1',
  ].join('\n\n');
  it('finds stanzas by SHA256 (any case, with or without a space), reading only those', () => {
    const found = findBySha256(index, new Set(['a'.repeat(64), '2'.repeat(64), '3'.repeat(64), '9'.repeat(64)]));
    assert.deepEqual(found.map((entry) => `${entry.package} ${entry.version}`), ['bigdata 1.1', 'bigdesk 2.0', 'first 1']);
    assert.deepEqual(findBySha256(index, new Set()), []);
  });
});
