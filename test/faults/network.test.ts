/**
 * A mirror that bends HTTP: drips, lies about Content-Length, hangs up after
 * the headers, answers a Range with other bytes. Each time the file either
 * arrives whole and verified, or the download fails with a clear error in
 * bounded time; nothing unverified reaches the archive cache.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { AptTorrentError } from '../../src/errors.js';
import { fetchVerified, type HttpOptions } from '../../src/fetch/http.js';
import { directNetwork } from '../../src/fetch/network.js';
import { fillRanges } from '../../src/fetch/range-fill.js';
import type { TestArchive } from '../helpers/archive.js';
import { runCli } from '../helpers/cli.js';
import { sha256 } from '../helpers/hash.js';
import { TestMirror, type Fault } from '../helpers/mirror.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { FULL } from './helpers/fuzz.js';

/** The CLI cases wait out http.lowSpeedTime (5 s at least): the full run takes them, CI the fast equivalents above. */
const fullOnly = { skip: !FULL && 'full run only (npm run test:faults): the same watchdog is tested directly above', timeout: 60_000 };

describe('network faults, one file through fetchVerified', () => {
  const root = tempDir('faults-net');
  const body = randomBytes(300_000);
  const mirror = new TestMirror(root);
  const network = directNetwork(4);
  let work: string;
  let partial: string;
  let final: string;

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
    work = tempDir('faults-cache');
    partial = join(work, 'f.deb.partial');
    final = join(work, 'f.deb');
    mirror.requests.length = 0;
    mirror.faults.clear();
  });
  afterEach(() => removeTempDir(work));

  const fetch = (options: Partial<HttpOptions> = {}) =>
    fetchVerified(
      { uri: `${mirror.url}pool/f.deb`, size: body.length, sha256: sha256(body), partialPath: partial, finalPath: final },
      { retries: 3, timeoutMs: 3000, network, sleep: async () => {}, ...options },
    );
  const withFault = (fault: Fault) => mirror.faults.set('/pool/f.deb', fault);
  const ranges = () => mirror.requests.map((request) => request.range ?? 'none');
  const verified = () => {
    assert.equal(sha256(readFileSync(final)), sha256(body));
    assert.equal(existsSync(partial), false);
  };

  it('a mirror dripping one byte a second trips the low-speed watchdog; the retry resumes and completes', { timeout: 20_000 }, async () => {
    withFault({ kind: 'drip', times: 1 });
    const started = Date.now();
    await fetch({ lowSpeed: { bytesPerSecond: 100, seconds: 1 } });
    assert.ok(Date.now() - started < 4000, `took ${Date.now() - started} ms`);
    verified();
    assert.equal(mirror.requests.length, 2);
    assert.match(ranges()[1]!, /^bytes=\d+-$/, 'resumed where the drip stopped');
  });

  it('a mirror that only ever drips fails clearly after the retries, in bounded time, with nothing in the cache', { timeout: 20_000 }, async () => {
    withFault({ kind: 'drip', times: 100 });
    const started = Date.now();
    await assert.rejects(fetch({ retries: 1, lowSpeed: { bytesPerSecond: 100, seconds: 1 } }), (error: AptTorrentError) => {
      assert.equal(error.code, 'E_DOWNLOAD');
      assert.match(error.message, /f\.deb: download failed after 2 attempt\(s\) from http:.*: the transfer stayed below 100 bytes\/s for 1 s/);
      return true;
    });
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    assert.equal(existsSync(final), false);
  });

  it('a torrent\'s HTTP fill from a dripping mirror: the same watchdog cuts it, the retry resumes inside the range', { timeout: 20_000 }, async () => {
    withFault({ kind: 'drip', times: 1 });
    const started = Date.now();
    const options = { retries: 2, timeoutMs: 3000, network, sleep: async () => {}, lowSpeed: { bytesPerSecond: 100, seconds: 1 } };
    await fillRanges(`${mirror.url}pool/f.deb`, partial, body.length, [[0, body.length - 1]], 1, options);
    assert.ok(Date.now() - started < 4000, `took ${Date.now() - started} ms`);
    assert.deepEqual(readFileSync(partial), body);
    assert.equal(mirror.requests.length, 2);
    assert.match(ranges()[1]!, new RegExp(`^bytes=[1-9]\\d*-${body.length - 1}$`));
    withFault({ kind: 'drip', times: 100 });
    await assert.rejects(fillRanges(`${mirror.url}pool/f.deb`, partial, body.length, [[0, body.length - 1]], 1, { ...options, retries: 1 }), /the transfer stayed below 100 bytes\/s for 1 s/);
  });

  it('a Content-Length longer than the body (then a cut connection): the file still verifies', async () => {
    withFault({ kind: 'content-length', delta: 1000, times: 1 });
    await fetch();
    verified();
  });

  it('a Content-Length shorter than the body: the rest is fetched with Range, the extra bytes do not poison the next response', async () => {
    withFault({ kind: 'content-length', delta: -1000, times: 1 });
    await fetch();
    verified();
    // got reports the broken socket while the body still streams: the resume starts wherever the file got to.
    assert.equal(mirror.requests.length, 2);
    assert.match(ranges()[1]!, /^bytes=[1-9]\d*-$/);
  });

  it('a mirror that closes after the headers is retried; when it keeps doing so, the error says how often', async () => {
    withFault({ kind: 'close-after-headers', times: 2 });
    await fetch();
    verified();
    assert.equal(mirror.requests.length, 3);
    rmSync(final);
    withFault({ kind: 'close-after-headers', times: 100 });
    await assert.rejects(fetch({ retries: 2 }), /E_DOWNLOAD|download failed after 3 attempt\(s\)/);
    assert.equal(existsSync(final), false);
  });

  it('a Range answered with another range (said so in Content-Range) restarts from byte 0', async () => {
    writeFileSync(partial, body.subarray(0, 100_000));
    withFault({ kind: 'other-range', shift: 5000, honest: true, times: 100 });
    const outcome = await fetch();
    verified();
    assert.equal(outcome.downloaded, body.length, 'not one byte of the wrong range was written');
    assert.deepEqual(ranges(), ['bytes=100000-', 'none']);
  });

  it('a Range answered with other bytes than Content-Range claims: the hash catches it, one clean restart fixes it', async () => {
    writeFileSync(partial, body.subarray(0, 100_000));
    withFault({ kind: 'other-range', shift: 5000, honest: false, times: 100 });
    await fetch();
    verified();
    assert.deepEqual(ranges(), ['bytes=100000-', 'none']);
  });
});

describe('network faults through the CLI', () => {
  let site: ServedArchive;
  let repo: TestArchive;
  let mirror: TestMirror;
  before(async () => {
    site = await ServedArchive.start([{ name: 'drip', version: '1.0', payload: 20_000 }, { name: 'bigdrip', version: '1.0', payload: 1_300_000 }]);
    ({ archive: repo, mirror } = site);
    // bigdrip goes by BitTorrent (no tracker: the mirror serves it at once, over HTTP ranges and as web seed).
    const published = await runCli(['publish', '--archive-root', repo.root, '--suite', 'stable', '--base-url', mirror.url, '--min-size', '1MiB', '--share', '1']);
    assert.equal(published.code, 0, published.stderr);
    repo.releaseWithManifest();
  });
  after(() => site?.stop());
  /** A sandbox whose apt-torrent reads `config`. */
  const configured = (config: Record<string, unknown>) => site.sandbox((box) => {
    writeFileSync(join(box.dir, 'xdg/apt-torrent/config.json'), JSON.stringify({ stateDir: join(box.dir, 'state'), ...config }));
  });

  it('http.lowSpeedLimit and http.lowSpeedTime from the config bound a dripping mirror', fullOnly, async () => {
    const box = await configured({ http: { lowSpeedLimit: 1000, lowSpeedTime: 5, retries: 1 } });
    const path = `/${repo.pool.get('drip')}`;
    mirror.faults.set(path, { kind: 'drip', times: 1 });
    const started = Date.now();
    const result = await runCli(['download', '--prefetch', 'drip'], box.env, { timeoutMs: 30_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(Date.now() - started < 12_000, `took ${Date.now() - started} ms`);
    const mine = mirror.requests.filter((request) => request.path === path);
    assert.equal(mine.length, 2);
    assert.match(mine[1]!.range ?? '', /^bytes=[1-9]\d*-$/, 'the retry resumed');
    assert.equal(sha256(readFileSync(join(box.archives, 'drip_1.0_all.deb'))), sha256(repo.bytes('drip')));
  });

  it('the same watchdog bounds a torrent\'s HTTP fill: a mirror that only drips fails clearly instead of hanging', fullOnly, async () => {
    const box = await configured({ http: { lowSpeedLimit: 1000, lowSpeedTime: 5, retries: 0 }, torrent: { stallSeconds: 1, peerWaitSeconds: 1 } });
    const path = `/${repo.pool.get('bigdrip')}`;
    try {
      const plan = await runCli(['plan', '--json', 'bigdrip'], box.env);
      assert.equal(JSON.parse(plan.stdout).files[0].route, 'torrent');
      mirror.faults.set(path, { kind: 'drip', times: 1_000_000 });
      const started = Date.now();
      const result = await runCli(['download', '--prefetch', 'bigdrip'], box.env, { timeoutMs: 40_000 });
      assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
      assert.equal(result.code, 4, result.stderr);
      assert.match(result.stderr, /error \[E_DOWNLOAD\]: bigdrip_1\.0_all\.deb: the mirror cannot serve it \(the transfer stayed below 1000 bytes\/s for 5 s\)/);
      assert.equal(existsSync(join(box.archives, 'bigdrip_1.0_all.deb')), false);
    } finally {
      mirror.faults.delete(path);
    }
  });
});
