import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AptTorrentError } from '../../src/errors.js';
import { mirrorUri, type Acquire } from '../../src/method/acquire.js';
import { answerFailure } from '../../src/method/failure.js';
import { routeAcquire, type RouteContext } from '../../src/method/route.js';

const SHA = 'ab'.repeat(32);
const context: RouteContext = { torrentEnabled: true, archivesPartial: '/var/cache/apt/archives/partial/', lists: '/var/lib/apt/lists/' };
const deb = (change: Partial<Acquire> = {}): Acquire => ({
  uri: 'torrent+http://deb.example:8080/debian/pool/main/b/big/big_1%3a2.0-1_amd64.deb',
  filename: '/var/cache/apt/archives/partial/big_1%3a2.0-1_amd64.deb',
  expected: new Map([['sha256', SHA], ['sha512', 'cd'.repeat(64)]]),
  size: 123456,
  repoUri: 'torrent+http://deb.example:8080/debian/',
  release: 'bookworm',
  type: 'deb',
  indexFile: false,
  ...change,
});

describe('routing an acquire', () => {
  it('a .deb for the archive cache with SHA256 and size is a candidate, named as APT names it', () => {
    const route = routeAcquire(deb(), context);
    assert.equal(route.kind, 'candidate');
    if (route.kind !== 'candidate') return;
    assert.equal(route.to, 'http://deb.example:8080/debian/pool/main/b/big/big_1%3a2.0-1_amd64.deb');
    assert.deepEqual(route.source, {
      repoUri: 'http://deb.example:8080/debian/',
      release: 'bookworm',
      releaseFiles: ['/var/lib/apt/lists/deb.example:8080_debian_dists_bookworm_InRelease', '/var/lib/apt/lists/deb.example:8080_debian_dists_bookworm_Release'],
    });
    assert.equal(route.file.cacheName, 'big_1%3a2.0-1_amd64.deb');
    assert.equal(route.file.uri, route.to);
    assert.equal(route.file.sha256, SHA);
    assert.equal(route.file.size, 123456);
    assert.equal(route.file.version, '1:2.0-1');
    assert.equal(route.file.route, 'http', 'only a manifest can make it a torrent');
  });

  it('everything else is a redirect to the same URI without torrent+', () => {
    const cases: Array<[string, Partial<Acquire>]> = [
      ['index', { uri: 'torrent+http://deb.example:8080/debian/dists/bookworm/InRelease', filename: '/var/lib/apt/lists/partial/x_InRelease', type: 'index', indexFile: true }],
      ['by-hash', { type: 'index', filename: '/var/lib/apt/lists/partial/x_Packages.xz' }],
      ['apt-get download into the working directory', { filename: '/home/me/big_2.0-1_amd64.deb' }],
      ['a path that only starts like partial/', { filename: '/var/cache/apt/archives/partial/../big.deb' }],
      ['no SHA256', { expected: new Map([['sha512', 'cd'.repeat(64)]]) }],
      ['a SHA256 that is not one', { expected: new Map([['sha256', 'xyz']]) }],
      ['no size', { size: undefined }],
      ['no source', { repoUri: undefined }],
      ['a source of another scheme', { repoUri: 'http://deb.example/debian/' }],
      ['a suite climbing out of dists/', { release: '../../x' }],
    ];
    for (const [what, change] of cases) {
      const route = routeAcquire(deb(change), context);
      assert.equal(route.kind, 'redirect', what);
      if (route.kind === 'redirect') assert.equal(route.to, mirrorUri(deb(change).uri), what);
    }
    assert.equal(routeAcquire(deb(), { ...context, torrentEnabled: false }).kind, 'redirect', 'torrent.enabled false');
  });

  it('a URI of another scheme cannot be redirected, only failed', () => {
    const route = routeAcquire(deb({ uri: 'torrent+ftp://m/a.deb' }), context);
    assert.equal(route.kind, 'fail');
    assert.equal(mirrorUri('TORRENT+HTTPS://m/a'), 'https://m/a');
    assert.equal(mirrorUri('http://m/a'), undefined);
  });
});

describe('answering a failed BitTorrent download', () => {
  it('falls back to the mirror when the mirror may still serve the file', () => {
    for (const error of [
      new AptTorrentError('E_VERIFY', 'big.deb: SHA256 mismatch after BitTorrent download, the file was deleted and not installed\n  expected: x'),
      new AptTorrentError('E_DOWNLOAD', 'big.deb: the mirror cannot serve it (HTTP 503) and no peer gave anything for 120 s'),
      new AptTorrentError('E_INTERRUPTED', 'interrupted'),
    ]) {
      const answer = answerFailure('big.deb', error);
      assert.equal(answer.kind, 'redirect');
      if (answer.kind === 'redirect') {
        assert.match(answer.warning, /^apt-torrent: big\.deb did not come over BitTorrent \(.+\); fetching it from the mirror$/);
        assert.doesNotMatch(answer.warning, /\n/);
      }
    }
  });

  it('fails the file, naming it and the cause, when nothing can help', () => {
    const answer = answerFailure('big.deb', new AptTorrentError('E_DISK_FULL', 'big.deb: the disk is full (ENOSPC) under /var/cache/apt/archives/partial/'));
    assert.deepEqual(answer, { kind: 'fail', message: 'apt-torrent: big.deb: the disk is full (ENOSPC) under /var/cache/apt/archives/partial/', transient: false });
  });
});
