import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { announceRequest, connectRequest, parseConnect, parseUdpAnnounce, transactionOf } from '../../src/bittorrent/udp-tracker.js';

describe('UDP tracker packets', () => {
  it('writes the connect and announce requests as BEP 15 lays them out', () => {
    const connect = connectRequest(0xdeadbeef);
    assert.equal(connect.toString('hex'), '0000041727101980' + '00000000' + 'deadbeef');
    const announce = announceRequest(Buffer.alloc(8, 0x11), 7, { infoHash: 'ab'.repeat(20), peerId: 'cd'.repeat(20), port: 6881, uploaded: 300, downloaded: 0, left: 0, numwant: 50, event: 'started' }, 42);
    assert.equal(announce.length, 98);
    assert.equal(announce.readUInt32BE(8), 1);
    assert.equal(announce.subarray(16, 36).toString('hex'), 'ab'.repeat(20));
    assert.equal(announce.readBigUInt64BE(72), 300n);
    assert.equal(announce.readUInt32BE(80), 2, 'started');
    assert.equal(announce.readUInt16BE(96), 6881);
  });

  it('reads answers: connection id, interval and peers; an error answer throws with its text', () => {
    const connected = Buffer.concat([Buffer.from('0000000000000007', 'hex'), Buffer.alloc(8, 0x22)]);
    assert.equal(transactionOf(connected), 7);
    assert.deepEqual(parseConnect(connected), Buffer.alloc(8, 0x22));
    const answer = Buffer.alloc(32);
    answer.writeUInt32BE(1, 0);
    answer.writeUInt32BE(1800, 8);
    answer.writeUInt32BE(2, 12);
    answer.writeUInt32BE(5, 16);
    Buffer.from([198, 51, 100, 7, 0x1a, 0xe1, 10, 0, 0, 1, 0, 0]).copy(answer, 20);
    assert.deepEqual(parseUdpAnnounce(answer), { interval: 1800, incomplete: 2, complete: 5, peers: ['198.51.100.7:6881'] });
    const error = Buffer.concat([Buffer.from('0000000300000007', 'hex'), Buffer.from('not\nwhitelisted')]);
    assert.throws(() => parseUdpAnnounce(error), /tracker: not\?whitelisted/);
    assert.throws(() => parseConnect(answer), /action 1, not 0/);
  });
});
