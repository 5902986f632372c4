import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignTorrents, resolveTorrentUrl, type TrustedManifest } from '../../src/fetch/assign-torrents.js';
import type { PlannedFile } from '../../src/fetch/plan.js';

describe('which manifests may choose trackers', () => {
  const file: PlannedFile = {
    uri: 'http://m/pool/a_1_all.deb', cacheName: 'a_1_all.deb', size: 5, sha256: 'a'.repeat(64), package: 'a', version: '1', architecture: 'all',
    route: 'http', repoUri: 'http://m/', release: 'stable',
  };
  const entry = { filename: 'pool/a_1_all.deb', size: 5, sha256: 'a'.repeat(64), package: 'a', version: '1', architecture: 'all', infoHash: 'b'.repeat(40), pieceLength: 16384, torrent: 'pool/a_1_all.deb.torrent' };
  const plain: TrustedManifest = { url: 'http://m/dists/stable/apt-torrent/manifest.json', repoUri: 'http://m/', release: 'stable', torrentBase: 'http://m/', trackers: ['http://evil/announce'], files: [entry] };
  const route = (manifest: TrustedManifest, own: string[], untrusted: 'own-trackers' | 'http' | 'all') => {
    const held: string[] = [];
    const [routed] = assignTorrents([file], [manifest], own, { untrusted, held: (_file, _manifest, why) => held.push(why) });
    return { route: routed!.route, trackers: routed!.torrent?.trackers, held };
  };

  it('a manifest something vouches for brings its trackers', () => {
    for (const trustedBy of ['release', 'signature', 'https', 'local'] as const) {
      assert.deepEqual(route({ ...plain, trustedBy }, ['udp://mine:1'], 'own-trackers'), { route: 'torrent', trackers: ['http://evil/announce', 'udp://mine:1'], held: [] });
    }
  });

  it('from one nothing vouches for: only the config\'s trackers, or HTTP when there are none (by default)', () => {
    assert.deepEqual(route(plain, ['udp://mine:1'], 'own-trackers'), { route: 'torrent', trackers: ['udp://mine:1'], held: [] });
    assert.deepEqual(route(plain, [], 'own-trackers'), { route: 'http', trackers: undefined, held: ['untrusted'] });
    assert.deepEqual(route(plain, ['udp://mine:1'], 'http'), { route: 'http', trackers: undefined, held: ['untrusted'] });
    assert.deepEqual(route(plain, [], 'all'), { route: 'torrent', trackers: ['http://evil/announce'], held: [] });
  });

  it('nothing by BitTorrent for a source reached through a proxy, however trusted', () => {
    const held: string[] = [];
    const [routed] = assignTorrents([file], [{ ...plain, trustedBy: 'release' }], [], { untrusted: 'all', proxied: () => true, held: (_f, _m, why) => held.push(why) });
    assert.equal(routed!.route, 'http');
    assert.deepEqual(held, ['proxy']);
  });

  it('a mirror\'s manifest cannot make root read local files', () => {
    assert.equal(resolveTorrentUrl('http://m/', 'file:///etc/shadow'), undefined);
    assert.equal(resolveTorrentUrl('file:///', 'etc/shadow'), undefined);
    assert.equal(resolveTorrentUrl('http://m/', 'gopher://m/x.torrent'), undefined);
    assert.equal(resolveTorrentUrl('file:///srv/mirror/', 'pool/x.torrent', true), 'file:///srv/mirror/pool/x.torrent');
    assert.equal(resolveTorrentUrl('http://m/', 'file:///srv/x.torrent', true), 'file:///srv/x.torrent');
  });
});
