/**
 * A mirror that sends more than the file: Range ignored with a body longer
 * than the file, or without end. No writer takes more disk or memory than
 * the size APT's index gives (plus a chunk): the download fails clearly, or
 * falls back, in seconds. Before, a torrent's HTTP fill wrote whatever came
 * (a 1 MiB file grew until the disk was full).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { AptTorrentError } from '../../src/errors.js';
import { fetchCached } from '../../src/fetch/fetch-cached.js';
import { fetchVerified, type HttpOptions } from '../../src/fetch/http.js';
import { directNetwork } from '../../src/fetch/network.js';
import { fillRanges } from '../../src/fetch/range-fill.js';
import { runCli, startCli } from '../helpers/cli.js';
import { sha256 } from '../helpers/hash.js';
import { TestMirror } from '../helpers/mirror.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

const MiB = 1024 * 1024;

/** The largest size `path` (a file, or the files under a directory) reached while `work` ran, sampled every 10 ms. */
async function peakSize<T>(path: string, work: Promise<T>): Promise<{ peak: number; outcome: PromiseSettledResult<T> }> {
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, sizeOf(path));
  };
  const timer = setInterval(sample, 10);
  const [outcome] = await Promise.allSettled([work]);
  clearInterval(timer);
  sample();
  return { peak, outcome: outcome! };
}

function sizeOf(path: string): number {
  try {
    const info = statSync(path);
    if (!info.isDirectory()) return info.size;
    return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
  } catch {
    return 0;
  }
}

describe('a mirror answering with more than the file', () => {
  const root = tempDir('bounds');
  const body = randomBytes(MiB);
  const mirror = new TestMirror(root);
  const network = directNetwork(8);
  let work: string;
  let partial: string;

  before(async () => {
    mkdirSync(join(root, 'pool'));
    writeFileSync(join(root, 'pool/f.deb'), body);
    await mirror.start();
  });
  after(async () => {
    await mirror.stop();
    removeTempDir(root);
  });
  beforeEach(() => {
    work = tempDir('bounds-work');
    partial = join(work, 'f.deb');
    mirror.requests.length = 0;
    mirror.faults.clear();
  });
  afterEach(() => removeTempDir(work));

  const options = (extra: Partial<HttpOptions> = {}): HttpOptions => ({ retries: 2, timeoutMs: 3000, network, sleep: async () => {}, ...extra });
  const uri = () => `${mirror.url}pool/f.deb`;
  /** The missing pieces of a 1 MiB torrent in 64 KiB pieces, as a torrent's fill asks for them over 8 connections. */
  const eightRanges: Array<[number, number]> = Array.from({ length: 8 }, (_, index) => [index * 131_072, index * 131_072 + 131_071]);

  it('a torrent\'s HTTP fill, Range ignored and the body without end: fails at once, the file never past its size', { timeout: 20_000 }, async (t) => {
    mirror.faults.set('/pool/f.deb', { kind: 'longer', extra: Infinity });
    const started = Date.now();
    const { peak, outcome } = await peakSize(partial, fillRanges(uri(), partial, body.length, eightRanges, 8, options()));
    assert.equal(outcome.status, 'rejected');
    assert.match(String((outcome as PromiseRejectedResult).reason), /the server sent more than the 1048576 bytes expected/);
    t.diagnostic(`peak file size ${peak} bytes for a ${body.length}-byte file, ${mirror.bytesServed('f.deb')} bytes sent by the mirror`);
    assert.ok(peak <= body.length, `the file reached ${peak} bytes`);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    // Too long is not a passing fault: one whole-file answer, no retries of it.
    assert.ok(mirror.bytesServed('f.deb') < 64 * MiB, `the mirror sent ${mirror.bytesServed('f.deb')} bytes`);
  });

  it('a torrent\'s HTTP fill, Range ignored and a Content-Length past the size: refused before a byte is written', async () => {
    mirror.faults.set('/pool/f.deb', { kind: 'longer', extra: 400 * MiB, declare: true });
    const { peak, outcome } = await peakSize(partial, fillRanges(uri(), partial, body.length, eightRanges, 8, options()));
    assert.equal(outcome.status, 'rejected');
    assert.match(String((outcome as PromiseRejectedResult).reason), /the server sent more than the 1048576 bytes expected/);
    assert.equal(peak, 0);
  });

  it('Range ignored with the right body over 8 connections: one request writes the whole file, the others give way', async () => {
    mirror.faults.set('/pool/f.deb', { kind: 'ignore-range' });
    const { peak, outcome } = await peakSize(partial, fillRanges(uri(), partial, body.length, eightRanges, 8, options()));
    assert.equal(outcome.status, 'fulfilled', String((outcome as PromiseRejectedResult).reason));
    assert.deepEqual(readFileSync(partial), body);
    assert.equal(peak, body.length);
  });

  it('a range answered with a longer body: nothing is written past the range, the pieces beside it stay', async () => {
    // Peers gave every piece but the first (bytes of their own, to tell them apart); the mirror answers that range with the rest of the file too.
    const fromPeers = randomBytes(body.length - 65_536);
    writeFileSync(partial, Buffer.concat([Buffer.alloc(65_536), fromPeers]));
    mirror.faults.set('/pool/f.deb', { kind: 'other-range', shift: 0, honest: true, times: 1 });
    await fillRanges(uri(), partial, body.length, [[0, 65_535]], 1, options());
    assert.deepEqual(readFileSync(partial), Buffer.concat([body.subarray(0, 65_536), fromPeers]));
  });

  it('plain HTTP (fetchVerified) from a mirror without end: E_DOWNLOAD after one attempt, the partial never past the size', { timeout: 20_000 }, async () => {
    mirror.faults.set('/pool/f.deb', { kind: 'longer', extra: Infinity });
    const fetch = fetchVerified({ uri: uri(), size: body.length, sha256: sha256(body), partialPath: partial, finalPath: join(work, 'final.deb') }, options({ retries: 5 }));
    const { peak, outcome } = await peakSize(partial, fetch);
    assert.equal(outcome.status, 'rejected');
    const error = (outcome as PromiseRejectedResult).reason as AptTorrentError;
    assert.equal(error.code, 'E_DOWNLOAD');
    assert.match(error.message, /final\.deb: download failed after 1 attempt\(s\) from http:.*: the server sent more than the 1048576 bytes expected/);
    assert.ok(peak <= body.length, `the partial reached ${peak} bytes`);
    assert.equal(existsSync(join(work, 'final.deb')), false);
  });

  it('a local file: URL that is a device or too large is refused, not read whole', async () => {
    await assert.rejects(fetchCached('file:///dev/zero', { network, timeoutMs: 1000 }), /not a regular file/);
    const big = join(work, 'big.torrent');
    writeFileSync(big, Buffer.alloc(2 * MiB));
    await assert.rejects(fetchCached(`file://${big}`, { network, timeoutMs: 1000, maxBytes: MiB }), /larger than 1048576 bytes/);
  });
});

describe('a torrent\'s HTTP fill through the CLI, from a mirror answering 400 MiB for a 1.3 MiB file', () => {
  let site: ServedArchive;
  before(async () => {
    site = await ServedArchive.start([{ name: 'bigfill', version: '1.0', payload: 1_300_000 }]);
    // No tracker: nobody can have the file, so the mirror fills it at once over HTTP ranges.
    const published = await runCli(['publish', '--archive-root', site.archive.root, '--suite', 'stable', '--base-url', site.mirror.url, '--min-size', '1MiB', '--share', '1']);
    assert.equal(published.code, 0, published.stderr);
    site.archive.releaseWithManifest();
  });
  after(() => site?.stop());

  it('the partial directory never holds more than the file; the error names the mirror\'s fault', { timeout: 60_000 }, async (t) => {
    const box = await site.sandbox((sandbox) => {
      writeFileSync(join(sandbox.dir, 'xdg/apt-torrent/config.json'), JSON.stringify({ stateDir: join(sandbox.dir, 'state'), torrent: { stallSeconds: 1, peerWaitSeconds: 1 } }));
    });
    const plan = await runCli(['plan', '--json', 'bigfill'], box.env);
    assert.equal(JSON.parse(plan.stdout).files[0].route, 'torrent', plan.stderr);
    const path = `/${site.archive.pool.get('bigfill')}`;
    const size = site.archive.bytes('bigfill').length;
    site.mirror.faults.set(path, { kind: 'longer', extra: 400 * MiB });
    try {
      const download = startCli(['download', '--prefetch', 'bigfill'], box.env);
      const { peak, outcome } = await peakSize(join(box.archives, 'partial'), download.done);
      assert.equal(outcome.status, 'fulfilled');
      const result = (outcome as PromiseFulfilledResult<{ code: number; stderr: string }>).value;
      assert.equal(result.code, 4, result.stderr);
      assert.match(result.stderr, /error \[E_DOWNLOAD\]: bigfill_1\.0_all\.deb: the mirror cannot serve it \(the server sent more than the \d+ bytes expected\)/);
      t.diagnostic(`peak of partial/ ${peak} bytes for a ${size}-byte file; the mirror sent ${site.mirror.bytesServed(path)} bytes`);
      assert.ok(peak <= size, `partial/ reached ${peak} bytes for a ${size}-byte file`);
      assert.ok(site.mirror.bytesServed(path) < 400 * MiB, 'the mirror was cut off');
      assert.equal(existsSync(join(box.archives, 'bigfill_1.0_all.deb')), false);
    } finally {
      site.mirror.faults.delete(path);
    }
  });
});
