import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { couldBeHandshake, handshakeInfoHash } from '../../src/bittorrent/handshake.js';

const handshake = (infoHash: string) => Buffer.concat([Buffer.from('\x13BitTorrent protocol', 'latin1'), Buffer.alloc(8, 0xff), Buffer.from(infoHash, 'hex'), Buffer.alloc(20, 0x41)]);

describe('the handshake head', () => {
  it('names the infohash asked for, whatever the reserved bits and what follows', () => {
    const infoHash = '0123456789abcdef0123456789abcdef01234567';
    assert.deepEqual(handshakeInfoHash(Buffer.concat([handshake(infoHash), Buffer.from([0, 0, 0, 1, 2])])), { infoHash });
  });

  it('refuses what is short, encrypted or another protocol, and knows a wrong start at once', () => {
    assert.ok('refused' in handshakeInfoHash(handshake('00'.repeat(20)).subarray(0, 67)));
    assert.ok('refused' in handshakeInfoHash(Buffer.concat([Buffer.from('GET / HTTP/1.1\r\n'), Buffer.alloc(60)])));
    assert.equal(couldBeHandshake(Buffer.from([0x13, 0x42])), true);
    assert.equal(couldBeHandshake(Buffer.from('GET')), false);
    assert.equal(couldBeHandshake(Buffer.from([0x8f, 0x22])), false, 'an encrypted (MSE) start');
  });
});
