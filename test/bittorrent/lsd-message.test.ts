import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lsdAnnounces, MAX_DATAGRAM, parseLsd } from '../../src/bittorrent/lsd-message.js';

const hashes = (count: number) => Array.from({ length: count }, (_, index) => index.toString(16).padStart(40, '0'));

describe('LSD announces', () => {
  it('packs a thousand infohashes into a few dozen datagrams, each under the size limit', () => {
    const messages = lsdAnnounces(hashes(1000), 6881, 'c1');
    assert.ok(messages.length <= 45, `${messages.length} datagrams`);
    assert.ok(messages.every((message) => message.length <= MAX_DATAGRAM));
    const back = messages.map((message) => parseLsd(message)!);
    assert.deepEqual(back.flatMap((heard) => heard.infoHashes), hashes(1000));
    assert.ok(back.every((heard) => heard.port === 6881 && heard.cookie === 'c1'));
  });

  it('is read by webtorrent\'s own LSD (bittorrent-lsd, which webtorrent depends on), every infohash of a message', async () => {
    // Not a dependency of ours, so not typed: the module webtorrent itself loads.
    const name: string = 'bittorrent-lsd';
    const { default: LSD } = (await import(name)) as { default: new (options: object) => { _parseAnnounce(text: string): unknown; destroy(): void } };
    const lsd = new LSD({ peerId: '2d'.repeat(20), infoHash: hashes(1)[0], port: 1 });
    try {
      const [message] = lsdAnnounces(hashes(3), 7000, 'c2');
      assert.deepEqual(lsd._parseAnnounce(message!.toString('latin1')), { host: '239.192.152.143:6771', port: '7000', infoHash: hashes(3), cookie: 'c2' });
    } finally {
      lsd.destroy();
    }
  });

  it('reads another client\'s announce, and nothing else', () => {
    const other = Buffer.from('BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 51413\r\nInfohash: ABCDEF0123456789ABCDEF0123456789ABCDEF01\r\n\r\n\r\n');
    assert.deepEqual(parseLsd(other), { port: 51413, infoHashes: ['abcdef0123456789abcdef0123456789abcdef01'] });
    assert.equal(parseLsd(Buffer.from('M-SEARCH * HTTP/1.1\r\n\r\n')), undefined);
    assert.equal(parseLsd(Buffer.from('BT-SEARCH * HTTP/1.1\r\nPort: 99999\r\nInfohash: 00\r\n')), undefined);
  });
});
