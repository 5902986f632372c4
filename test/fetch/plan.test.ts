import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPlan, candidatePaths, wantedPaths } from '../../src/fetch/plan.js';

const entry = (filename: string, size: number, sha256 = 'c'.repeat(64)) => ({
  package: 'p', version: '1', architecture: 'all', filename, size, sha256,
});
const repo = 'http://m/debian/';

describe('buildPlan', () => {
  it('matches by repository, decoded path and size; takes SHA256 from the index', () => {
    const uris = [{ uri: `${repo}pool/libstdc%2b%2b6_1_all.deb`, cacheName: 'libstdc++6_1_all.deb', size: 10, aptHash: '' }];
    const plan = buildPlan(uris, [{ repoUri: repo, release: 'stable', entry: entry('pool/libstdc++6_1_all.deb', 10) }]);
    assert.equal(plan.refused.length, 0);
    assert.equal(plan.files[0]!.sha256, 'c'.repeat(64));
    assert.equal(plan.files[0]!.route, 'http');
  });

  it('refuses a file whose entry has no SHA256, or whose size differs, or that no index lists', () => {
    const uris = [
      { uri: `${repo}pool/a.deb`, cacheName: 'a.deb', size: 10, aptHash: 'MD5Sum:x' },
      { uri: `${repo}pool/b.deb`, cacheName: 'b.deb', size: 10, aptHash: '' },
      { uri: 'http://other/pool/c.deb', cacheName: 'c.deb', size: 1, aptHash: '' },
    ];
    const plan = buildPlan(uris, [
      { repoUri: repo, release: 'stable', entry: entry('pool/a.deb', 10, '') },
      { repoUri: repo, release: 'stable', entry: entry('pool/b.deb', 11) },
    ]);
    assert.deepEqual(plan.refused.map((file) => file.cacheName), ['a.deb', 'b.deb', 'c.deb']);
    assert.match(plan.refused[0]!.reason, /no SHA256/);
    assert.equal(plan.files.length, 0);
  });

  it('does not match a file of the same name from another repository', () => {
    const uris = [{ uri: 'http://evil/debian/pool/a.deb', cacheName: 'a.deb', size: 10, aptHash: '' }];
    assert.equal(buildPlan(uris, [{ repoUri: repo, release: 'stable', entry: entry('pool/a.deb', 10) }]).refused.length, 1);
  });

  it('handles flat repositories (./ in Filename) and leaves other schemes to apt-get', () => {
    const uris = [
      { uri: 'http://flat/repo/./x.deb', cacheName: 'x.deb', size: 3, aptHash: '' },
      { uri: 'cdrom:[Debian]/pool/y.deb', cacheName: 'y.deb', size: 4, aptHash: '' },
    ];
    const plan = buildPlan(uris, [{ repoUri: 'http://flat/repo/', release: './', entry: entry('./x.deb', 3) }]);
    assert.deepEqual(plan.files.map((file) => file.route), ['http', 'apt']);
    assert.equal(plan.refused.length, 0);
  });

  it('lists the pool paths worth looking up, per repository', () => {
    const wanted = wantedPaths([{ uri: `${repo}pool/a%2bb.deb`, cacheName: 'a+b.deb', size: 1, aptHash: '' }], [repo, 'http://x/']);
    assert.deepEqual([...wanted.keys()], [repo]);
    assert.ok(wanted.get(repo)!.has('pool/a+b.deb'));
    assert.deepEqual(candidatePaths('http://x/y.deb', [repo]), []);
  });
});
