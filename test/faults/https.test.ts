/**
 * HTTPS as APT has it: its TLS settings (CaInfo, Verify-Peer, Verify-Host,
 * the per-host forms) and its redirect rules. A certificate that does not
 * verify is a clear error at once; a mirror that redirects https to http
 * is refused naming both URLs, and a login goes only where auth.conf sends
 * it for the URI actually asked — never carried across a change of scheme.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fetchCached } from '../../src/fetch/fetch-cached.js';
import { directNetwork } from '../../src/fetch/network.js';
import { runCli } from '../helpers/cli.js';
import { sha256 } from '../helpers/hash.js';
import { TestMirror } from '../helpers/mirror.js';
import type { Sandbox } from '../helpers/sandbox.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { makeCertificates, type Certificates } from './helpers/certificates.js';
import { DualPort } from './helpers/dual-port.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('https mirrors, as APT reaches them', () => {
  const dir = tempDir('tls');
  let site: ServedArchive;
  let tlsMirror: TestMirror;
  let dual: DualPort;
  let certificates: Certificates;
  /** `https://127.0.0.1:P/`: the archive over TLS; `http://127.0.0.1:P/`: the same archive in clear, same port. */
  let httpsUrl: string;
  let httpUrl: string;
  let httpsBox: Sandbox;
  let httpBox: Sandbox;
  let pool: string;

  /** A sandbox whose source is `url`, updated with the test CA (given only for the update: each run says what it trusts). */
  const sandboxOn = (url: string) => site.sandbox((box) => {
    writeFileSync(join(box.dir, 'etc/sources.list'), `deb [trusted=yes] ${url} stable main\n`);
    writeFileSync(join(box.dir, 'etc/apt.conf.d/ca.conf'), `Acquire::https::CaInfo "${certificates.caFile}";\n`);
  });

  before(async () => {
    certificates = makeCertificates(dir, ['IP:127.0.0.1']);
    site = await ServedArchive.start([{ name: 'tiny', version: '1.0', payload: 20_000 }]);
    tlsMirror = new TestMirror(site.archive.root);
    await tlsMirror.start();
    dual = new DualPort({ plain: Number(new URL(site.mirror.url).port), tls: Number(new URL(tlsMirror.url).port) }, certificates);
    const port = await dual.start();
    httpsUrl = `https://127.0.0.1:${port}/`;
    httpUrl = `http://127.0.0.1:${port}/`;
    pool = site.archive.pool.get('tiny')!;
    httpsBox = await sandboxOn(httpsUrl);
    httpBox = await sandboxOn(httpUrl);
    for (const box of [httpsBox, httpBox]) rmSync(join(box.dir, 'etc/apt.conf.d/ca.conf'));
  });
  after(async () => {
    await dual?.stop();
    await tlsMirror?.stop();
    await site?.stop();
    removeTempDir(dir);
  });

  const cached = (box: Sandbox) => join(box.archives, 'tiny_1.0_all.deb');
  const download = async (box: Sandbox, ...options: string[]) => {
    rmSync(cached(box), { force: true });
    return runCli([...options.flatMap((option) => ['-o', option]), 'download', '--prefetch', 'tiny'], box.env, { timeoutMs: 60_000 });
  };
  /** The same, with the test CA trusted by Node itself: what is checked is then the login alone, whatever the TLS settings do. */
  const downloadTrusting = async (box: Sandbox) => {
    rmSync(cached(box), { force: true });
    return runCli(['download', '--prefetch', 'tiny'], { ...box.env, NODE_EXTRA_CA_CERTS: certificates.caFile }, { timeoutMs: 60_000 });
  };
  const verified = (box: Sandbox) => assert.equal(sha256(readFileSync(cached(box))), sha256(site.archive.bytes('tiny')));

  it('a certificate of a CA APT is not given: one clear TLS error at once, naming the fix; nothing in the cache', async () => {
    const started = Date.now();
    const result = await download(httpsBox);
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stderr, /tiny_1\.0_all\.deb: download failed after 1 attempt\(s\) from https:\/\/127\.0\.0\.1:\d+\/pool\/.*: TLS: the server's certificate is not accepted \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY): /);
    assert.match(result.stderr, /hint: .*Acquire::https::CaInfo/);
    // Not retried for 15 s: no retry makes a certificate verify.
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    assert.equal(existsSync(cached(httpsBox)), false);
  });

  it('Acquire::https::CaInfo, or its per-host form, makes it verify', async () => {
    for (const option of [`Acquire::https::CaInfo=${certificates.caFile}`, `Acquire::https::127.0.0.1::CaInfo=${certificates.caFile}`]) {
      const result = await download(httpsBox, option);
      assert.equal(result.code, 0, `${option}: ${result.stderr}`);
      verified(httpsBox);
    }
    // Another host's setting is not this host's.
    const other = await download(httpsBox, `Acquire::https::mirror.example::CaInfo=${certificates.caFile}`);
    assert.equal(other.code, 4, other.stderr);
  });

  it('Acquire::https::Verify-Peer false takes any certificate, as in APT', async () => {
    const result = await download(httpsBox, 'Acquire::https::Verify-Peer=false');
    assert.equal(result.code, 0, result.stderr);
    verified(httpsBox);
  });

  it('a CaInfo file that cannot be read is an error naming it, not a download with other settings', async () => {
    const result = await download(httpsBox, 'Acquire::https::CaInfo=/nonexistent/ca.pem');
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /error \[E_APT_CONFIG\]: TLS to 127\.0\.0\.1: cannot read \/nonexistent\/ca\.pem \(CaInfo option\)/);
  });

  it('https redirected to http on the same host and port: refused naming both URLs; the login never goes out in clear', async () => {
    // An auth.conf login for the https mirror (no scheme: https only, as in APT).
    writeFileSync(join(httpsBox.dir, 'etc/auth.conf.d/mirror.conf'), `machine 127.0.0.1:${dual.port} login builder password s3cret\n`);
    tlsMirror.login = { user: 'builder', password: 's3cret' };
    tlsMirror.faults.set(`/${pool}`, { kind: 'redirect', location: `${httpUrl}${pool}` });
    const before = site.mirror.requests.length;
    try {
      const result = await download(httpsBox, `Acquire::https::CaInfo=${certificates.caFile}`);
      assert.equal(result.code, 4, result.stderr);
      assert.match(result.stderr, new RegExp(`redirection from https to '${httpUrl}${pool}' is forbidden \\(asked for ${httpsUrl}${pool}\\)`.replace(/\./g, '\\.')));
      assert.doesNotMatch(result.stderr, /s3cret/);
      assert.deepEqual(site.mirror.requests.slice(before), [], 'nothing went to the plain http side');
      assert.equal(existsSync(cached(httpsBox)), false);
    } finally {
      tlsMirror.faults.clear();
      tlsMirror.login = undefined;
      rmSync(join(httpsBox.dir, 'etc/auth.conf.d/mirror.conf'));
    }
  });

  it('http redirected to https on the same host and port: followed, with the login auth.conf gives the https URI, not the http one', async () => {
    const loginFile = join(httpBox.dir, 'etc/auth.conf.d/mirror.conf');
    writeFileSync(loginFile, `machine http://127.0.0.1:${dual.port} login plain password plain-secret\n`);
    site.mirror.login = { user: 'plain', password: 'plain-secret' };
    site.mirror.faults.set(`/${pool}`, { kind: 'redirect', location: `${httpsUrl}${pool}` });
    const earlier = tlsMirror.requests.length;
    const asked = () => tlsMirror.requests.slice(earlier).filter((request) => request.path === `/${pool}`);
    try {
      const result = await downloadTrusting(httpBox);
      assert.equal(result.code, 0, result.stderr);
      verified(httpBox);
      assert.equal(asked().length, 1);
      assert.equal(asked()[0]!.authorization, undefined, 'the http login did not follow the redirect to https');
      // With a login for the https URI too, that one is sent there.
      writeFileSync(loginFile, `machine http://127.0.0.1:${dual.port} login plain password plain-secret\nmachine https://127.0.0.1:${dual.port} login secure password tls-secret\n`);
      const again = await downloadTrusting(httpBox);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(asked()[1]!.authorization, basic('secure', 'tls-secret'));
    } finally {
      site.mirror.faults.clear();
      site.mirror.login = undefined;
      rmSync(loginFile);
    }
  });

  it('Acquire::http::AllowRedirect false: a redirect is not followed, as in APT', async () => {
    site.mirror.faults.set(`/${pool}`, { kind: 'redirect', location: `${httpUrl}elsewhere/${pool}` });
    try {
      const result = await download(httpBox, 'Acquire::http::AllowRedirect=false');
      assert.equal(result.code, 4, result.stderr);
      assert.match(result.stderr, /download failed after 1 attempt\(s\) from http:.*: HTTP 302: http:\S+ redirects to 'http:\S+\/elsewhere\/pool\/\S+', and APT's AllowRedirect is off/);
    } finally {
      site.mirror.faults.clear();
    }
  });

  it('Acquire::https::Verify-Host false: a certificate for another name verifies, and only then', async () => {
    const other = makeCertificates(dir, ['IP:127.0.0.2'], 'elsewhere');
    const wrongName = new DualPort({ plain: Number(new URL(site.mirror.url).port), tls: Number(new URL(tlsMirror.url).port) }, other);
    const port = await wrongName.start();
    try {
      const url = `https://127.0.0.1:${port}/dists/stable/Release`;
      const config = (pairs: Record<string, string>) => new Map(Object.entries(pairs).map(([key, value]) => [key.toLowerCase(), [value]]));
      const strict = directNetwork(1, { config: config({ 'Acquire::https::CaInfo': certificates.caFile }) });
      await assert.rejects(fetchCached(url, { network: strict, timeoutMs: 5000 }), /IP: 127\.0\.0\.1 is not in the cert's list/);
      const lax = directNetwork(1, { config: config({ 'Acquire::https::CaInfo': certificates.caFile, 'Acquire::https::127.0.0.1::Verify-Host': 'false' }) });
      const fetched = await fetchCached(url, { network: lax, timeoutMs: 5000 });
      assert.deepEqual(fetched?.bytes, readFileSync(join(site.archive.root, 'dists/stable/Release')));
      // The chain is still checked: without the CA, the same certificate fails.
      const noCa = directNetwork(1, { config: config({ 'Acquire::https::Verify-Host': 'false' }) });
      await assert.rejects(fetchCached(url, { network: noCa, timeoutMs: 5000 }), /certificate/);
    } finally {
      await wrongName.stop();
    }
  });
});
