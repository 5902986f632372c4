/**
 * Who learns what this machine installs. A manifest nothing vouches for (a
 * plain-http mirror, not listed in the signed Release, not signed) could
 * have been changed on the way to name an attacker's trackers: its
 * trackers are never told anything; its files come over HTTP, or by
 * BitTorrent with the config's own trackers only. A source APT reaches
 * through a proxy gets no BitTorrent at all (peers, web seed and trackers
 * would bypass the proxy): its files come through the proxy. `plan` says,
 * per source, which it is and why.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { ForwardProxy } from '../helpers/forward-proxy.js';
import type { Sandbox } from '../helpers/sandbox.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

/** A tracker that only notes who announced: a peerless answer to every request. */
class RecordingTracker {
  readonly seen: string[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      this.seen.push(request.url ?? '');
      response.end('d8:intervali60e5:peers0:e');
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/announce`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

interface PlanJson {
  files: Array<{ filename: string; route: string; trackers?: string[] }>;
  sources: Array<{ uri: string; suite: string; manifest: string | null; trusted: boolean; trustedBy: string | null; bittorrent: boolean; trackers: string; why: string }>;
}

describe('trackers and proxies: who learns what this machine installs', () => {
  let site: ServedArchive;
  const theirs = new RecordingTracker();
  const mine = new RecordingTracker();
  const proxy = new ForwardProxy();
  const big = 'bigpriv_1.0_all.deb';

  before(async () => {
    await Promise.all([theirs.start(), mine.start(), proxy.start()]);
    site = await ServedArchive.start([{ name: 'bigpriv', version: '1.0', payload: 1_300_000 }, { name: 'smallpriv', version: '1.0', payload: 20_000 }]);
    const published = await runCli(['publish', '--archive-root', site.archive.root, '--suite', 'stable', '--base-url', site.mirror.url, '--tracker', theirs.url, '--min-size', '1MiB', '--share', '1']);
    assert.equal(published.code, 0, published.stderr);
    // Release does not list the manifest yet: it comes over plain http with nothing to vouch for it.
  });
  after(async () => {
    await site?.stop();
    await Promise.all([theirs.stop(), mine.stop(), proxy.stop()]);
  });

  /** A sandbox whose apt-torrent reads `torrent` settings. */
  const configured = (torrent: Record<string, unknown> = {}) => site.sandbox((box) => {
    writeFileSync(join(box.dir, 'xdg/apt-torrent/config.json'), JSON.stringify({ stateDir: join(box.dir, 'state'), torrent: { stallSeconds: 1, ...torrent } }));
  });
  const plan = async (box: Sandbox, ...args: string[]) => {
    const result = await runCli([...args, 'plan', '--json', 'bigpriv', 'smallpriv'], box.env);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as PlanJson;
    return { json, stderr: result.stderr, file: json.files.find((file) => file.filename === big)! };
  };
  const notices = (stderr: string, pattern: RegExp) => stderr.split('\n').filter((line) => line.startsWith('N: ') && pattern.test(line));

  it('an untrusted manifest: its trackers are never told anything; the files come over HTTP, with one notice; plan says why', { timeout: 60_000 }, async () => {
    const box = await configured();
    const { json, stderr, file } = await plan(box);
    assert.equal(file.route, 'http');
    assert.deepEqual(json.sources.map(({ trusted, bittorrent, trackers }) => ({ trusted, bittorrent, trackers })), [{ trusted: false, bittorrent: false, trackers: 'none' }]);
    assert.match(json.sources[0]!.why, /manifest not trusted: not listed in the suite's signed Release, not signed, not fetched over checked https/);
    assert.equal(notices(stderr, /manifest http:\S+manifest\.json is not trusted .*: its 1 file\(s\) come over HTTP/).length, 1, stderr);
    const table = await runCli(['plan', 'bigpriv'], box.env);
    assert.match(table.stdout, /^source http:\/\/127\.0\.0\.1:\d+\/ stable: HTTP only \(manifest not trusted: /m);
    const download = await runCli(['download', '--prefetch', 'bigpriv', 'smallpriv'], box.env, { timeoutMs: 60_000 });
    assert.equal(download.code, 0, download.stderr);
    assert.match(download.stderr, /Got bigpriv_1\.0_all\.deb \(1\.3 MiB, http\)/);
    assert.equal(notices(download.stderr, /is not trusted/).length, 1);
    assert.deepEqual(theirs.seen, [], 'the manifest\'s tracker heard nothing');
  });

  it('with torrent.trackers of your own: BitTorrent announcing to those only', { timeout: 60_000 }, async () => {
    const box = await configured({ trackers: [mine.url] });
    const { json, file } = await plan(box);
    assert.equal(file.route, 'torrent');
    assert.deepEqual(file.trackers, [mine.url]);
    assert.equal(json.sources[0]!.trackers, 'own');
    assert.match(json.sources[0]!.why, /its torrents announce only to torrent\.trackers/);
    const download = await runCli(['download', '--prefetch', 'bigpriv'], box.env, { timeoutMs: 60_000 });
    assert.equal(download.code, 0, download.stderr);
    assert.match(download.stderr, /Got bigpriv_1\.0_all\.deb \(1\.3 MiB, torrent/);
    assert.ok(mine.seen.length > 0, 'announced to our own tracker');
    assert.deepEqual(theirs.seen, [], 'never to the manifest\'s');
  });

  it('through the APT method (no --prefetch), torrent.untrustedManifests: http keeps an untrusted manifest\'s files on HTTP, own trackers or not', { timeout: 60_000 }, async () => {
    const box = await configured({ trackers: [mine.url], untrustedManifests: 'http' });
    const before = mine.seen.length;
    const download = await runCli(['download', 'bigpriv', 'smallpriv'], box.env, { timeoutMs: 60_000 });
    assert.equal(download.code, 0, download.stderr);
    assert.equal(mine.seen.length, before, 'no tracker was told anything');
    assert.deepEqual(theirs.seen, []);
    assert.match(download.stderr, /manifest http:\S+manifest\.json is not trusted .*: its files come over HTTP/);
  });

  it('torrent.untrustedManifests: all uses it as published, trackers included', async () => {
    const box = await configured({ untrustedManifests: 'all' });
    const { file } = await plan(box);
    assert.equal(file.route, 'torrent');
    assert.deepEqual(file.trackers, [theirs.url]);
  });

  describe('once the signed Release lists the manifest', () => {
    let box: Sandbox;
    before(async () => {
      site.archive.releaseWithManifest();
      box = await configured();
    });

    it('it is trusted, and its trackers are used; plan says so, without a notice', async () => {
      const { json, stderr, file } = await plan(box);
      assert.equal(file.route, 'torrent');
      assert.deepEqual(file.trackers, [theirs.url]);
      assert.deepEqual(json.sources.map(({ trusted, trustedBy, bittorrent }) => ({ trusted, trustedBy, bittorrent })), [{ trusted: true, trustedBy: 'release', bittorrent: true }]);
      assert.deepEqual(notices(stderr, /./), []);
      const table = await runCli(['plan', 'bigpriv'], box.env);
      assert.match(table.stdout, /^source http:\/\/127\.0\.0\.1:\d+\/ stable: BitTorrent \(manifest trusted: listed with its SHA256 in the suite's signed Release\)/m);
    });

    it('a source APT reaches through a proxy: no BitTorrent, its files through the proxy, one notice', { timeout: 60_000 }, async () => {
      const viaProxy = `Acquire::http::Proxy=${proxy.url}`;
      const { json, stderr, file } = await plan(box, '-o', viaProxy);
      assert.equal(file.route, 'http');
      assert.equal(json.sources[0]!.bittorrent, false);
      assert.match(json.sources[0]!.why, new RegExp(`APT reaches it through the proxy ${proxy.url}, and BitTorrent cannot go through an HTTP proxy`));
      assert.equal(notices(stderr, /through the proxy/).length, 1, stderr);
      const announced = theirs.seen.length;
      const download = await runCli(['-o', viaProxy, 'download', '--prefetch', 'bigpriv', 'smallpriv'], box.env, { timeoutMs: 60_000 });
      assert.equal(download.code, 0, download.stderr);
      assert.match(download.stderr, /Got bigpriv_1\.0_all\.deb \(1\.3 MiB, http\)/);
      assert.ok(proxy.seen.includes(`${site.mirror.url}${site.archive.pool.get('bigpriv')}`), `the proxy saw: ${proxy.seen.join(', ')}`);
      assert.equal(theirs.seen.length, announced, 'no tracker was told anything past the proxy');
    });

    it('through the APT method (no --prefetch), a source behind a proxy gets no BitTorrent either: APT\'s own method fetches its files through the proxy', { timeout: 60_000 }, async () => {
      const viaProxy = `Acquire::http::Proxy=${proxy.url}`;
      const announced = theirs.seen.length;
      const seen = proxy.seen.length;
      // A box of its own: the one above has the files in its cache already.
      const fresh = await configured();
      const download = await runCli(['-o', viaProxy, 'download', 'bigpriv', 'smallpriv'], fresh.env, { timeoutMs: 60_000 });
      assert.equal(download.code, 0, download.stderr);
      assert.equal(theirs.seen.length, announced, 'no tracker was told anything past the proxy');
      assert.ok(proxy.seen.slice(seen).includes(`${site.mirror.url}${site.archive.pool.get('bigpriv')}`), `the proxy saw: ${proxy.seen.slice(seen).join(', ')}`);
      assert.match(download.stderr, /apt-torrent: APT reaches http:\/\/127\.0\.0\.1:\d+\/ through a proxy: the files its manifest lists come over HTTP through it/);
    });

    it('through the APT method, a proxy APT finds with Acquire::http::Proxy-Auto-Detect (as auto-apt-proxy sets up) counts as one: no BitTorrent, the files through the proxy', { timeout: 60_000 }, async () => {
      // The command APT's http method runs as _apt: a script anyone may read and run.
      const dir = tempDir('auto-detect');
      chmodSync(dir, 0o755);
      const detect = join(dir, 'detect-proxy');
      writeFileSync(detect, `#!/bin/sh\necho ${proxy.url}\n`, { mode: 0o755 });
      const announced = theirs.seen.length;
      const seen = proxy.seen.length;
      const fresh = await configured();
      const download = await runCli(['-o', `Acquire::http::Proxy-Auto-Detect=${detect}`, 'download', 'bigpriv', 'smallpriv'], fresh.env, { timeoutMs: 60_000 });
      removeTempDir(dir);
      assert.equal(download.code, 0, download.stderr);
      assert.equal(theirs.seen.length, announced, 'no tracker was told anything past the proxy');
      assert.ok(proxy.seen.slice(seen).includes(`${site.mirror.url}${site.archive.pool.get('bigpriv')}`), `the proxy saw: ${proxy.seen.slice(seen).join(', ')}`);
      assert.match(download.stderr, /APT reaches http:\/\/127\.0\.0\.1:\d+\/ through a proxy/);
    });

    it('torrent.withProxy: on uses BitTorrent anyway', async () => {
      const onBox = await configured({ withProxy: 'on' });
      const { file } = await plan(onBox, '-o', `Acquire::http::Proxy=${proxy.url}`);
      assert.equal(file.route, 'torrent');
    });
  });
});
