/**
 * The mirror as web seed, misbehaving: whatever it sends, a web seed
 * connection holds no more than the range it asked for, and a mirror that
 * keeps answering wrongly is dropped (the fetch policy then takes the file
 * over plain HTTP: test/faults/hostile-mirror). Without bounded-web-seed.ts,
 * webtorrent reads each 200 MiB answer whole, several at once, and asks again.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildTorrent } from '../../src/bittorrent/torrent.js';
import { TorrentClient } from '../../src/torrent/client.js';
import { piecesOf } from '../helpers/hash.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { poll } from '../helpers/wait.js';

const MiB = 1024 * 1024;
const PIECE = 256 * 1024;
const data = randomBytes(4 * MiB);
const torrent = buildTorrent({ name: 'web_1.0_all.deb', length: data.length, pieceLength: PIECE, pieces: piecesOf(data, PIECE) }, { trackers: [], webSeeds: [] });

type Answer = (request: IncomingMessage, response: ServerResponse, range: { start: number; end: number }) => void;

/** `bytes` bytes of 0x55 after the headers, made as they are sent. */
function flood(response: ServerResponse, bytes: number): void {
  const chunk = Buffer.alloc(MiB, 0x55);
  let sent = 0;
  const pump = () => {
    while (!response.destroyed && sent < bytes) {
      sent += chunk.length;
      if (!response.write(chunk)) return;
    }
    if (sent >= bytes) response.end();
  };
  response.on('drain', pump);
  pump();
}

const ANSWERS: Record<string, Answer> = {
  'ignores Range and sends 200 MiB': (_request, response) => {
    response.writeHead(200, { 'content-length': 200 * MiB });
    flood(response, 200 * MiB);
  },
  'answers 206 with another Content-Range and 200 MiB': (_request, response, { start }) => {
    response.writeHead(206, { 'content-range': `bytes ${start + 1}-${start + 200 * MiB}/${data.length}` });
    flood(response, 200 * MiB);
  },
  'answers 206 with the right Content-Range, then 200 MiB': (_request, response, { start, end }) => {
    response.writeHead(206, { 'content-range': `bytes ${start}-${end}/${data.length}` });
    flood(response, 200 * MiB);
  },
};

describe('a web seed that sends more than asked', () => {
  let server: Server;
  let url: string;
  let answer: Answer;
  let requests = 0;
  let client: TorrentClient;

  before(async () => {
    server = createServer((request, response) => {
      requests += 1;
      const [, start, end] = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '') ?? [];
      answer(request, response, { start: Number(start), end: Number(end) });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/web_1.0_all.deb`;
    client = await TorrentClient.open({ port: 0, dht: false, lsd: false, utp: false });
  });
  after(async () => {
    await client?.destroy();
    server?.closeAllConnections();
    server?.close();
  });

  for (const [name, bad] of Object.entries(ANSWERS)) {
    it(`${name}: memory stays bounded and the web seed is dropped`, async () => {
      answer = bad;
      requests = 0;
      const dir = tempDir('web-seed');
      const handle = await client.download(torrent, dir, { maxWebConns: 4 });
      const before = process.memoryUsage().rss;
      let peak = before;
      const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
      try {
        handle.addWebSeed(url);
        assert.ok(await poll(() => requests > 0, 5000), 'the web seed was asked');
        const dropped = await poll(() => handle.connections() === 0, 15_000);
        assert.ok(peak - before < 64 * MiB, `RSS grew ${(peak - before) >> 20} MiB`);
        assert.ok(dropped, `still connected after ${requests} requests`);
        assert.ok(requests <= 6, `${requests} requests`);
        assert.equal(handle.downloaded, 0);
      } finally {
        clearInterval(sample);
        await handle.destroy();
        removeTempDir(dir);
      }
    });
  }

  it('an honest mirror still serves the whole file, piece by piece', async () => {
    answer = (_request, response, { start, end }) => {
      response.writeHead(206, { 'content-range': `bytes ${start}-${end}/${data.length}`, 'content-length': end - start + 1 });
      response.end(data.subarray(start, end + 1));
    };
    const dir = tempDir('web-seed');
    const handle = await client.download(torrent, dir, { maxWebConns: 4 });
    try {
      const done = new Promise<void>((resolve) => handle.onDone(resolve));
      handle.addWebSeed(url);
      await done;
      assert.equal(handle.downloaded, data.length);
    } finally {
      await handle.destroy();
      removeTempDir(dir);
    }
  });
});
