import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HeadStart } from '../../src/fetch/head-start.js';
import { directNetwork } from '../../src/fetch/network.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

/**
 * A head start that fails before its trackers answered (its thread could not
 * make the network, or died) never learnt that the swarm is empty: the
 * download's gate must not take it for "nobody else" ('ended' is read as
 * 'alone' there and hands the whole file to the mirror, peers never first).
 */
describe('a head start that fails before the trackers answered', () => {
  const dir = tempDir('head-start-status');
  after(() => removeTempDir(dir));

  it('ends as no head start (others), not as one that ran', async () => {
    const network = directNetwork(1);
    // A recipe the worker cannot make a network of: it fails before any scrape.
    const broken = Object.assign(Object.create(network) as typeof network, { recipe: () => ({ maxSockets: 1, config: [1] as never, env: {}, logins: [] }) });
    const headStart = HeadStart.start(
      { uri: 'http://127.0.0.1:9/x.deb', path: join(dir, 'x.deb'), size: 10, pieceLength: 16384, pieceHashes: new Uint8Array(20), infoHash: '0'.repeat(40), trackers: ['http://127.0.0.1:9/announce'] },
      { network: broken, retries: 0, timeoutMs: 1000 },
      () => {},
    );
    assert.ok(headStart);
    await headStart.run.catch(() => {});
    assert.notEqual(headStart.status, 'ended', 'the trackers were never asked, yet the gate would read this as an empty swarm');
    assert.equal(headStart.status, 'others');
  });
});
