import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AddressSet, canonicalAddress } from '../../src/torrent/address-set.js';

describe('the set of banned peer addresses', () => {
  it('reads an IPv4-mapped IPv6 address (as a dual-stack listener reports peers) as the IPv4 address', () => {
    const banned = new AddressSet();
    banned.add('::ffff:198.51.100.7');
    assert.ok(banned.contains('198.51.100.7'));
    assert.ok(banned.contains('::FFFF:198.51.100.7'));
    assert.ok(!banned.contains('::ffff:198.51.100.8'));
    assert.ok(!banned.contains('10.51.100.7'), 'webtorrent\'s IPSet read both as the same number');
  });

  it('keeps IPv6 addresses exact, and ignores what is no address', () => {
    const banned = new AddressSet();
    banned.add('2001:DB8::1');
    banned.add('not an address');
    banned.add('');
    assert.equal(banned.size, 1);
    assert.ok(banned.contains('2001:db8::1'));
    assert.ok(banned.contains('[2001:db8::1]'));
    assert.ok(!banned.contains('2001:db8::2'));
    assert.ok(!banned.contains('0.0.7.209'), 'webtorrent\'s IPSet read 2001:db8::1 as 2001');
    assert.equal(canonicalAddress('::ffff:999.1.1.1'), undefined);
  });
});
