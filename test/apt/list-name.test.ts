import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listFileName } from '../../src/apt/list-name.js';

describe('APT list file names', () => {
  it('leave the scheme out, so torrent+http and http share the lists', () => {
    assert.equal(listFileName('torrent+http://127.0.0.1:18080/dists/stable/InRelease'), '127.0.0.1:18080_dists_stable_InRelease');
    assert.equal(listFileName('http://127.0.0.1:18080/dists/stable/InRelease'), '127.0.0.1:18080_dists_stable_InRelease');
    assert.equal(listFileName('torrent+https://deb.debian.org/debian/dists/bookworm/'), 'deb.debian.org_debian_dists_bookworm_');
  });

  it('leave logins out and quote what APT quotes', () => {
    assert.equal(listFileName('https://user:secret@repo.example/pri vate/dists/x~1/Release'), 'repo.example_pri%20vate_dists_x%7e1_Release');
    assert.equal(listFileName('http://[::1]:8080/dists/a_b/Release'), '::1:8080_dists_a%5fb_Release');
    assert.equal(listFileName('http://m/dists/caf\u00e9/'), 'm_dists_caf%c3%a9_');
  });

  it('give nothing for what is not a URI with a host', () => {
    assert.equal(listFileName('not a uri'), undefined);
    assert.equal(listFileName('file:/srv/repo/'), undefined);
    assert.equal(listFileName('http:///dists/'), undefined);
  });
});
