/**
 * The bounds on webtorrent patch its internals: a release that changes them
 * must fail here, loudly, rather than run without them.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { CHECKED_VERSIONS, loadInternals, missingInternals } from '../../src/torrent/harden.js';

const require = createRequire(import.meta.url);

describe('the bounds on webtorrent', () => {
  it('name every method they need when a class lacks it', () => {
    assert.deepEqual(missingInternals({ wire: {}, webConn: undefined, peer: { onConnect: 'not a function' }, connPool: {} }), [
      'Wire._onMessageLength', 'Wire._onMessage', 'Wire._onHandshake', 'Wire._parse',
      'WebConn.httpRequest', 'WebConn.destroy', 'Peer.onConnect', 'ConnPool._onConnection',
    ]);
  });

  it('find all of them in the webtorrent installed', async () => {
    assert.deepEqual(missingInternals(await loadInternals()), []);
  });

  it('were checked against the versions installed (another release: read its sources again, then update CHECKED_VERSIONS)', () => {
    const webtorrent = dirname(require.resolve('webtorrent/package.json'));
    const protocol = [join(webtorrent, 'node_modules/bittorrent-protocol'), join(webtorrent, '../bittorrent-protocol')].find((dir) => existsSync(dir))!;
    const version = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
    assert.deepEqual({ webtorrent: version(webtorrent), 'bittorrent-protocol': version(protocol) }, CHECKED_VERSIONS);
  });
});
