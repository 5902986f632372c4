import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leavesUnfetched, methodMayFetchManifest, methodSkipsUnvouched } from '../../src/fetch/manifest-prospect.js';

describe('manifest prospect: whether a manifest is worth a request', () => {
  const unvouched = { skipUnvouched: true, keyring: false, listed: false, authenticated: false };

  it('leaves unfetched only a manifest nothing could vouch for, for a caller that skips those', () => {
    assert.equal(leavesUnfetched(unvouched), true);
    assert.equal(leavesUnfetched({ ...unvouched, skipUnvouched: false }), false);
    assert.equal(leavesUnfetched({ ...unvouched, keyring: true }), false);
    assert.equal(leavesUnfetched({ ...unvouched, listed: true }), false);
    assert.equal(leavesUnfetched({ ...unvouched, authenticated: true }), false);
  });

  it('the method skips unvouched manifests unless it has trackers of its own or takes untrusted manifests as published', () => {
    assert.equal(methodSkipsUnvouched([], 'own-trackers'), true);
    assert.equal(methodSkipsUnvouched([], 'http'), true);
    assert.equal(methodSkipsUnvouched(['udp://t:6969'], 'own-trackers'), false);
    assert.equal(methodSkipsUnvouched([], 'all'), false);
  });

  it('the method may fetch a manifest given for all sources, or one a Release lists, an https server vouches for, or a keyring could', () => {
    const plain = { trackers: [], untrusted: 'own-trackers' as const };
    const nothing = { listed: false, authenticated: false };
    assert.equal(methodMayFetchManifest(plain, nothing), false);
    assert.equal(methodMayFetchManifest({ ...plain, manifestUrl: 'file:///m.json' }, nothing), true);
    assert.equal(methodMayFetchManifest({ ...plain, keyring: '/k.gpg' }, nothing), true);
    assert.equal(methodMayFetchManifest({ ...plain, keyring: '' }, nothing), false, 'an empty keyring setting is none');
    assert.equal(methodMayFetchManifest({ ...plain, trackers: ['udp://t:6969'] }, nothing), true);
    assert.equal(methodMayFetchManifest(plain, { ...nothing, listed: true }), true);
    assert.equal(methodMayFetchManifest(plain, { ...nothing, authenticated: true }), true);
  });
});
