/**
 * A manifest's tracker that is down, or answers garbage: the torrent still
 * completes from the mirror (web seed and HTTP fill), with the swarm probe
 * (torrent.scrape) on and off, in bounded time.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestArchive } from '../helpers/archive.js';
import { runCli } from '../helpers/cli.js';
import type { TestMirror } from '../helpers/mirror.js';
import { freePort } from '../helpers/net.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { FULL } from './helpers/fuzz.js';

const MiB = 1024 * 1024;

describe('a tracker that is down or answers garbage', () => {
  let site: ServedArchive;
  let repo: TestArchive;
  let mirror: TestMirror;
  let port: number;
  let garbage: Server | undefined;
  const trackerHits: string[] = [];

  before(async () => {
    site = await ServedArchive.start([{ name: 'bigdata', version: '1.0', payload: 1.2 * MiB }]);
    ({ archive: repo, mirror } = site);
    port = await freePort();
    const published = await runCli(['publish', '--archive-root', repo.root, '--suite', 'stable', '--base-url', mirror.url,
      '--tracker', `http://127.0.0.1:${port}/announce`, '--min-size', '1MiB', '--share', '1']);
    assert.equal(published.code, 0, published.stderr);
    repo.releaseWithManifest();
  });
  after(async () => {
    await stopGarbage();
    await site?.stop();
  });

  /** On the manifest's tracker port: random bytes for announce and scrape alike. */
  const startGarbage = () => new Promise<void>((resolve) => {
    garbage = createServer((request, response) => {
      trackerHits.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'text/plain' }).end(Buffer.concat([Buffer.from('d8:completei'), randomBytes(200)]));
    });
    garbage.listen(port, '127.0.0.1', resolve);
  });
  async function stopGarbage() {
    garbage?.closeAllConnections();
    await new Promise<void>((resolve) => (garbage ? garbage.close(() => resolve()) : resolve()));
    garbage = undefined;
  }

  const download = async (scrape: boolean) => {
    const box = await site.sandbox((sandbox) => {
      writeFileSync(join(sandbox.dir, 'xdg/apt-torrent/config.json'), JSON.stringify({ stateDir: join(sandbox.dir, 'state'), torrent: { scrape, stallSeconds: 2 } }));
    });
    const plan = await runCli(['plan', '--json', 'bigdata'], box.env);
    assert.equal(JSON.parse(plan.stdout).files[0].route, 'torrent', 'the manifest routes it to BitTorrent');
    const started = Date.now();
    const result = await runCli(['download', '--prefetch', 'bigdata'], box.env, { timeoutMs: 60_000 });
    const took = Date.now() - started;
    assert.equal(result.code, 0, result.stderr);
    assert.ok(took < 20_000, `took ${took} ms`);
    assert.deepEqual(readFileSync(join(box.archives, 'bigdata_1.0_all.deb')), repo.bytes('bigdata'));
    assert.doesNotMatch(result.stderr, /internal error/);
    assert.match(result.stderr, /Got bigdata_1\.0_all\.deb \(1\.2 MiB, torrent: 0 B from peers, .* from the mirror\)/, 'by BitTorrent, from the web seed');
    return result;
  };

  // CI takes one pairing of each (down with the scrape on, garbage with it off); the full run all four.
  const inCi = (fault: string, scrape: boolean) => FULL || (fault === 'down') === scrape;
  for (const scrape of [true, false]) {
    it(`down (connection refused), torrent.scrape ${scrape}: the file comes from the mirror`, { skip: !inCi('down', scrape) && 'full run only' }, async () => {
      await stopGarbage();
      await download(scrape);
    });

    it(`answering garbage, torrent.scrape ${scrape}: the file comes from the mirror`, { skip: !inCi('garbage', scrape) && 'full run only' }, async () => {
      await startGarbage();
      const mark = trackerHits.length;
      try {
        await download(scrape);
        assert.ok(trackerHits.length > mark, 'the tracker was asked');
        if (scrape) assert.ok(trackerHits.slice(mark).some((url) => url.startsWith('/scrape')), 'the swarm probe scraped it');
      } finally {
        await stopGarbage();
      }
    });
  }
});
