import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { announceUrl, parseAnnounce } from '../../src/bittorrent/announce.js';
import { encode } from '../../src/bittorrent/bencode.js';

const request = { infoHash: 'ab'.repeat(20), peerId: '2d'.repeat(20), port: 6881, uploaded: 5, downloaded: 0, left: 0, numwant: 50 };

describe('tracker announces', () => {
  it('builds the query with raw bytes percent-encoded, after any query the tracker URL has', () => {
    const url = announceUrl('http://t.example/announce?key=1', { ...request, event: 'started' })!;
    assert.match(url, /^http:\/\/t\.example\/announce\?key=1&info_hash=(%ab){20}&peer_id=(%2d){20}&port=6881&uploaded=5&downloaded=0&left=0&compact=1&numwant=50&event=started$/);
    assert.equal(announceUrl('udp://t.example:6969/announce', request), undefined);
  });

  it('reads compact IPv4 and IPv6 peers, the counts, and the larger of interval and min interval', () => {
    const peers = Buffer.from([127, 0, 0, 2, 0x1a, 0xe1, 10, 0, 0, 1, 0, 0]);
    const peers6 = Buffer.alloc(18);
    peers6.writeUInt16BE(0xfe80, 0);
    peers6.writeUInt16BE(1, 14);
    peers6.writeUInt16BE(51413, 16);
    const answer = parseAnnounce(encode({ interval: 1800, 'min interval': 2400, complete: 3, incomplete: 1, peers, peers6 }));
    assert.deepEqual(answer, { interval: 2400, complete: 3, incomplete: 1, peers: ['127.0.0.2:6881', '[fe80:0:0:0:0:0:0:1]:51413'] });
  });

  it('reads the non-compact peer list, skipping entries that are no address', () => {
    const answer = parseAnnounce(encode({ interval: 60, peers: [{ ip: '198.51.100.7', port: 6881 }, { ip: 'evil host', port: 1 }, { ip: '::1', port: 7 }] }));
    assert.deepEqual(answer.peers, ['198.51.100.7:6881', '[::1]:7']);
  });

  it('throws on a failure reason (control characters replaced) and on an answer without interval', () => {
    assert.throws(() => parseAnnounce(encode({ 'failure reason': 'not\u001b[31m whitelisted' })), /tracker: not\?\[31m whitelisted/);
    assert.throws(() => parseAnnounce(encode({ peers: '' })), /no interval/);
    assert.throws(() => parseAnnounce(Buffer.from('<html>')));
  });
});
