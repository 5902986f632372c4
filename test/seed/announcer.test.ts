import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { AnnounceAnswer } from '../../src/bittorrent/announce.js';
import { Announcer } from '../../src/seed/announcer.js';
import { OpenTracker } from '../helpers/opentracker.js';
import { poll } from '../helpers/wait.js';

describe('the seeding daemon\'s own announces, to a third-party tracker (opentracker) over HTTP and UDP', () => {
  const overHttp = Array.from({ length: 20 }, () => randomBytes(20).toString('hex'));
  const overUdp = Array.from({ length: 20 }, () => randomBytes(20).toString('hex'));
  let tracker: OpenTracker;
  let announcer: Announcer;
  const answers: Array<{ infoHash: string; answer: AnnounceAnswer }> = [];
  const logged: string[] = [];

  before(async () => {
    tracker = await OpenTracker.start([...overHttp, ...overUdp]);
    announcer = new Announcer({
      port: 6881,
      peerId: randomBytes(20).toString('hex'),
      maxInFlight: 2,
      uploaded: () => 0,
      onAnswer: (infoHash, answer) => answers.push({ infoHash, answer }),
      log: (message) => logged.push(message),
    });
    announcer.start();
  });

  after(async () => {
    announcer?.close();
    await tracker?.stop();
  });

  it('announces every torrent, HTTP or UDP, two at a time, and the tracker knows them all', async () => {
    for (const infoHash of overHttp) announcer.want(infoHash, [tracker.http, 'wss://tracker.example/'], { soon: false });
    for (const infoHash of overUdp) announcer.want(infoHash, [tracker.udp], { soon: false });
    assert.ok(await poll(() => announcer.coverage().heard === 40, 20_000, 100), JSON.stringify(announcer.coverage()));
    assert.deepEqual((await tracker.knows([...overHttp, ...overUdp])).sort(), [...overHttp, ...overUdp].sort());
    assert.ok(answers.every(({ answer }) => answer.interval > 0));
    assert.deepEqual(logged, []);
  });

  it('tells the tracker `stopped` when a torrent is dropped', async () => {
    announcer.drop(overHttp[0]!);
    announcer.drop(overUdp[0]!);
    assert.ok(await poll(async () => (await tracker.knows([overHttp[0]!, overUdp[0]!])).length === 0, 10_000, 100));
    assert.equal(announcer.coverage().wanted, 38);
  });

  it('says once that a tracker does not answer, not once per torrent', async () => {
    for (const infoHash of overHttp.slice(1, 6)) announcer.want(infoHash, ['http://127.0.0.1:9/announce'], { soon: true });
    assert.ok(await poll(() => logged.length > 0, 10_000, 50));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(logged.length, 1, logged.join('\n'));
    assert.match(logged[0]!, /tracker 127\.0\.0\.1:9 does not answer/);
  });
});

describe('an HTTP tracker that trickles its answer', () => {
  it('is given up on when the whole answer has not come within the deadline, not only when it goes silent', async () => {
    const sockets = new Set<Socket>();
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      // A byte every 100 ms: never silent long enough for a socket timeout, never done.
      const timer = setInterval(() => response.write('d'), 100);
      response.on('close', () => clearInterval(timer));
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const logged: string[] = [];
    const announcer = new Announcer({
      port: 6881,
      peerId: randomBytes(20).toString('hex'),
      maxInFlight: 1,
      timeoutMs: 600,
      uploaded: () => 0,
      onAnswer: () => {},
      log: (message) => logged.push(message),
    });
    try {
      const { port } = server.address() as AddressInfo;
      announcer.want(randomBytes(20).toString('hex'), [`http://127.0.0.1:${port}/announce`], { soon: true });
      assert.ok(await poll(() => logged.length > 0, 4000, 50), 'the trickling tracker still holds the announce slot');
      assert.match(logged[0]!, /does not answer \(no answer in 0\.6 s\)/);
    } finally {
      announcer.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
