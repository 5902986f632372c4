/**
 * A mirror (plain http: anyone on the path) that answers the web seed's
 * Range requests with more than was asked: memory stays bounded, the web
 * seed is dropped, and the file arrives verified over plain HTTP. Without
 * the bounds (src/torrent/bounded-web-seed.ts) webtorrent read each answer
 * whole: gigabytes for a 1 MiB piece.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestArchive } from '../helpers/archive.js';
import { runCli, startCli } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { aptUpdate, createSandbox, removeSandbox, type Sandbox } from '../helpers/sandbox.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { HostileFront } from './helpers/hostile-front.js';
import { watchPeak } from './helpers/peak-rss.js';

const MiB = 1024 * 1024;
/** What the mirror sends instead of a piece: 200 MiB, made as it goes out. */
const FLOOD = 200 * MiB;

describe('a mirror that answers the web seed with more than asked', () => {
  let site: ServedArchive;
  let repo: TestArchive;
  let front: HostileFront;
  let box: Sandbox;
  let taken = 0;
  const deb = () => join(box.archives, 'bigdata_1.0_all.deb');

  before(async () => {
    site = await ServedArchive.start([{ name: 'bigdata', version: '1.0', payload: 3 * MiB }]);
    repo = site.archive;
    front = new HostileFront(site.mirror.url);
    await front.start();
    // The tracker is down: the mirror joins as web seed after torrent.webSeedDelay.
    const published = await runCli(['publish', '--archive-root', repo.root, '--suite', 'stable', '--base-url', front.url,
      '--tracker', `http://127.0.0.1:${await freePort()}/announce`, '--min-size', '1MiB', '--share', '1']);
    assert.equal(published.code, 0, published.stderr);
    // As operators are told to: the signed Release lists the manifest, so its trackers are trusted.
    repo.releaseWithManifest();
    box = createSandbox(front.url);
    writeFileSync(join(box.dir, 'xdg/apt-torrent/config.json'), JSON.stringify({ stateDir: join(box.dir, 'state'), torrent: { webSeedDelay: 0, stallSeconds: 2 } }));
    await aptUpdate(box);
  });
  after(async () => {
    await front?.stop();
    if (box) removeSandbox(box);
    await site?.stop();
  });

  /** The web seed's requests for the .deb get `answer`; everything else (APT, the HTTP fill) the honest mirror. */
  const webSeedGets = (answer: (request: IncomingMessage, response: ServerResponse, start: number, end: number) => void) => {
    taken = 0;
    front.sentOwn = 0;
    front.takeover = (request, response) => {
      if (!/WebTorrent/.test(request.headers['user-agent'] ?? '') || !request.url?.endsWith('.deb')) return false;
      taken += 1;
      const [, start, end] = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '') ?? [];
      answer(request, response, Number(start), Number(end));
      return true;
    };
  };

  const download = async () => {
    rmSync(deb(), { force: true });
    const started = Date.now();
    // NODE_DEBUG: the web seed's refusals are debug output.
    const run = startCli(['download', '--prefetch', 'bigdata'], { ...box.env, NODE_DEBUG: 'apt-torrent' });
    const peak = watchPeak(run.child.pid!);
    const limit = setTimeout(() => run.child.kill('SIGKILL'), 60_000);
    const result = await run.done.finally(() => clearTimeout(limit));
    const peakMiB = peak.stop();
    return { ...result, peakMiB, tookMs: Date.now() - started };
  };

  const check = (result: Awaited<ReturnType<typeof download>>) => {
    assert.equal(result.code, 0, result.stderr);
    assert.ok(taken >= 1, 'the mirror was asked as web seed');
    // Dropped after 3 wrong answers: no more than the requests already in flight then (torrent.maxWebConns).
    assert.ok(taken <= 8, `asked ${taken} times`);
    assert.match(result.stderr, /web seed http:\S+bigdata_1\.0_all\.deb dropped/);
    assert.ok(result.peakMiB < 300, `peak RSS ${Math.round(result.peakMiB)} MiB (the mirror wrote ${front.sentOwn >> 20} MiB of its own)`);
    assert.ok(result.tookMs < 20_000, `took ${result.tookMs} ms`);
    assert.match(result.stderr, /Got bigdata_1\.0_all\.deb \(3\.0 MiB, torrent: 0 B from peers, [\d.]+ MiB from the mirror\)/);
    assert.deepEqual(readFileSync(deb()), repo.bytes('bigdata'), 'verified, over plain HTTP');
  };

  it('200 instead of 206, and 200 MiB: memory bounded, the file over plain HTTP', async () => {
    webSeedGets((_request, response) => {
      response.writeHead(200, { 'content-length': FLOOD });
      front.flood(response, FLOOD);
    });
    check(await download());
  });

  it('206 with a Content-Range other than asked, and 200 MiB: the same', async () => {
    webSeedGets((_request, response, start) => {
      response.writeHead(206, { 'content-range': `bytes ${start + 1}-${start + FLOOD}/${FLOOD * 2}` });
      front.flood(response, FLOOD);
    });
    check(await download());
  });
});
