import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decode } from '../../src/bittorrent/bencode.js';
import { parseTorrent } from '../../src/bittorrent/torrent.js';
import { MIRROR_LAYOUT, TestArchive } from '../helpers/archive.js';
import { runCli, startServe, type Served } from '../helpers/cli.js';
import { rawGet } from '../helpers/raw-http.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

let archive: TestArchive;
let server: Served;
let deb: string;
let debBytes: Buffer;
let manifest: { trackers: string[]; files: Array<{ filename: string; infoHash: string; torrent: string }> };

before(async () => {
  archive = new TestArchive(MIRROR_LAYOUT);
  deb = archive.add({ name: 'big', version: '1', payload: 2_000_000 });
  archive.add({ name: 'small', version: '1', payload: 50_000 });
  archive.index();
  const published = await runCli(['publish', '--archive-root', archive.root, '--suite', 'stable', '--base-url', 'http://mirror.example/debian/',
    '--tracker', 'http://tracker.example/announce', '--min-size', '1MB']);
  assert.equal(published.code, 0, published.stderr);
  manifest = JSON.parse(readFileSync(join(archive.root, 'dists/stable/apt-torrent/manifest.json'), 'utf8'));
  debBytes = readFileSync(join(archive.root, deb));
  server = await startServe(['--archive-root', archive.root, '--tracker']);
});

after(async () => {
  assert.equal(await server.stop(), 0, 'SIGTERM stops serve cleanly');
  archive.dispose();
});

test('prints its URL, serves files with validators, Range, 416, HEAD, 304 and 405', async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const whole = await fetch(`${server.url}${deb}`);
  assert.equal(whole.status, 200);
  assert.deepEqual(Buffer.from(await whole.arrayBuffer()), debBytes);
  assert.equal(whole.headers.get('accept-ranges'), 'bytes');
  assert.equal(whole.headers.get('content-length'), String(debBytes.length));
  assert.equal(whole.headers.get('content-type'), 'application/vnd.debian.binary-package');
  const etag = whole.headers.get('etag')!;
  assert.match(etag, /^"[0-9a-f]+-[0-9a-f]+"$/);
  assert.ok(whole.headers.get('last-modified'));

  const part = await fetch(`${server.url}${deb}`, { headers: { Range: 'bytes=1000-1999' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 1000-1999/${debBytes.length}`);
  assert.deepEqual(Buffer.from(await part.arrayBuffer()), debBytes.subarray(1000, 2000));

  const tail = await fetch(`${server.url}${deb}`, { headers: { Range: 'bytes=-10' } });
  assert.deepEqual(Buffer.from(await tail.arrayBuffer()), debBytes.subarray(-10));

  const beyond = await fetch(`${server.url}${deb}`, { headers: { Range: `bytes=${debBytes.length}-` } });
  assert.equal(beyond.status, 416);
  assert.equal(beyond.headers.get('content-range'), `bytes */${debBytes.length}`);
  await beyond.arrayBuffer();

  const stale = await fetch(`${server.url}${deb}`, { headers: { Range: 'bytes=0-9', 'If-Range': '"stale"' } });
  assert.equal(stale.status, 200, 'If-Range with an old ETag gets the whole file');
  await stale.arrayBuffer();

  const head = await rawGet(server.url, `/${deb}`, {}, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], String(debBytes.length));
  assert.equal(head.body.length, 0);

  const cached = await fetch(`${server.url}${deb}`, { headers: { 'If-None-Match': etag } });
  assert.equal(cached.status, 304);

  assert.equal((await fetch(`${server.url}${deb}`, { method: 'POST' })).status, 405);
  assert.equal((await fetch(`${server.url}pool/nothing.deb`)).status, 404);
  assert.equal((await fetch(`${server.url}pool`)).status, 404, 'no directory listings');
});

test('paths leaving the archive root are refused, by name or through a symlink', async () => {
  const outside = tempDir('outside');
  writeFileSync(join(outside, 'secret'), 'secret');
  symlinkSync(join(outside, 'secret'), join(archive.root, 'pool/link-to-secret'));
  symlinkSync(outside, join(archive.root, 'pool/link-to-dir'));
  symlinkSync(join(archive.root, deb), join(archive.root, 'pool/link-inside.deb'));
  for (const path of ['/../../../../etc/passwd', '/pool/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/pool/..%2f..%2fetc/passwd', '/pool/link-to-secret', '/pool/link-to-dir/secret']) {
    const response = await rawGet(server.url, path);
    assert.equal(response.status, 403, path);
    assert.doesNotMatch(response.body.toString(), /secret|root:/);
  }
  assert.equal((await rawGet(server.url, '/pool/link-inside.deb')).status, 200, 'a symlink that stays inside is fine');
  // Nor is a torrent made of a file outside, even when any .deb may get one.
  writeFileSync(join(outside, 'secret.deb'), 'secret');
  const open = await startServe(['--archive-root', archive.root, '--any-deb']);
  try {
    assert.equal((await rawGet(open.url, '/pool/link-to-dir/secret.deb.torrent')).status, 403);
    assert.doesNotMatch(open.log(), /serve: made /);
  } finally {
    await open.stop();
    removeTempDir(outside);
  }
});

test('a missing torrent is made once under 100 concurrent requests, stored, and equals publish\'s', async () => {
  const entry = manifest.files.find((file) => file.filename === deb)!;
  const torrentPath = join(archive.root, entry.torrent);
  const published = readFileSync(torrentPath);
  rmSync(torrentPath);
  const responses = await Promise.all(Array.from({ length: 100 }, () => fetch(`${server.url}${entry.torrent}`)));
  const bodies = await Promise.all(responses.map(async (response) => Buffer.from(await response.arrayBuffer())));
  assert.deepEqual([...new Set(responses.map((response) => response.status))], [200]);
  assert.equal(new Set(bodies.map((body) => body.toString('hex'))).size, 1, 'every client got the same torrent');
  assert.equal((server.log().match(/made pool\/main\/b\/big\/big_1_amd64\.deb\.torrent/g) ?? []).length, 1, server.log());
  assert.deepEqual(bodies[0], published, 'same bytes as publish wrote: same trackers and web seed from the manifest');
  assert.deepEqual(readFileSync(torrentPath), published, 'stored beside the file');
  assert.equal(parseTorrent(bodies[0]!).infoHash, entry.infoHash);
  assert.equal(responses[0]!.headers.get('content-type'), 'application/x-bittorrent');

  // Served from disk afterwards: no second "made" line.
  assert.equal((await fetch(`${server.url}${entry.torrent}`)).status, 200);
  assert.equal((server.log().match(/serve: made /g) ?? []).length, 1);
});

test('files outside the manifest get no torrent unless --any-deb', async () => {
  const small = `${archive.pool.get('small')!}.torrent`;
  assert.equal((await fetch(`${server.url}${small}`)).status, 404);
  const open = await startServe(['--archive-root', archive.root, '--any-deb', '--tracker', '--base-url', 'http://public.example/debian']);
  try {
    const response = await fetch(`${open.url}${small}`);
    assert.equal(response.status, 200);
    const torrent = parseTorrent(Buffer.from(await response.arrayBuffer()));
    assert.deepEqual(torrent.webSeeds, [`http://public.example/debian/${archive.pool.get('small')}`]);
    assert.deepEqual(torrent.trackers, ['http://public.example/debian/announce']);
    assert.equal((await fetch(`${open.url}dists/stable/Release.torrent`)).status, 404, 'only .deb files');
  } finally {
    await open.stop();
  }
});

/** An archive of one package, published; the package's pool path. */
async function publishedOne(name: string, payload: number): Promise<{ root: TestArchive; file: string }> {
  const root = new TestArchive(MIRROR_LAYOUT);
  const file = root.add({ name, version: '1', payload });
  root.index();
  const run = await runCli(['publish', '--archive-root', root.root, '--suite', 'stable', '--base-url', 'http://m.example/']);
  assert.equal(run.code, 0, run.stderr);
  return { root, file };
}

test('a file that no longer matches its manifest gets no torrent', async () => {
  const { root, file } = await publishedOne('drift', 1_200_000);
  rmSync(join(root.root, `${file}.torrent`));
  const bytes = readFileSync(join(root.root, file));
  bytes[100] = bytes[100]! ^ 1;
  writeFileSync(join(root.root, file), bytes);
  const other = await startServe(['--archive-root', root.root]);
  try {
    const response = await fetch(`${other.url}${file}.torrent`);
    assert.equal(response.status, 500);
    const body = await response.text();
    assert.match(body, /no torrent can be made for this file now/);
    assert.doesNotMatch(body, /[0-9a-f]{64}/, 'the file\'s SHA256 stays in the log');
    assert.match(other.log(), /does not match the manifest/);
  } finally {
    await other.stop();
  }
});

test('a manifest made under another piece length still gets torrents with its infohash', async () => {
  const { root, file } = await publishedOne('legacy', 1_500_000);
  // As if published with 256 KiB pieces: mktorrent gives the infohash to expect.
  const legacy = join(root.root, 'legacy.torrent');
  execFileSync('mktorrent', ['-l', '18', '-a', 'http://t.example/announce', '-o', legacy, join(root.root, file)], { stdio: 'ignore' });
  const expected = parseTorrent(readFileSync(legacy)).infoHash;
  const manifestPath = join(root.root, 'dists/stable/apt-torrent/manifest.json');
  const json = JSON.parse(readFileSync(manifestPath, 'utf8'));
  Object.assign(json.files[0], { pieceLength: 262144, infoHash: expected });
  writeFileSync(manifestPath, JSON.stringify(json));
  rmSync(join(root.root, `${file}.torrent`));
  const other = await startServe(['--archive-root', root.root]);
  try {
    const response = await fetch(`${other.url}${file}.torrent`);
    assert.equal(response.status, 200, other.log());
    const torrent = parseTorrent(Buffer.from(await response.arrayBuffer()));
    assert.equal(torrent.info.pieceLength, 262144);
    assert.equal(torrent.infoHash, expected);
  } finally {
    await other.stop();
  }
});

test('the embedded tracker answers announces for this archive\'s torrents only', async () => {
  const infoHash = manifest.files[0]!.infoHash;
  const announce = async (hash: string, peer: string, port: number) => {
    const query = `info_hash=${escapeBytes(Buffer.from(hash, 'hex'))}&peer_id=${escapeBytes(Buffer.from(peer.padEnd(20, '-')))}&port=${port}`
      + '&uploaded=0&downloaded=0&left=0&compact=1&event=started';
    const response = await rawGet(server.url, `/announce?${query}`);
    assert.equal(response.status, 200);
    return decode(response.body) as Record<string, any>;
  };
  const first = await announce(infoHash, '-AT0001-first', 6881);
  assert.equal(first['failure reason'], undefined, String(first['failure reason']));
  assert.equal(first.interval, 60);
  const second = await announce(infoHash, '-AT0001-second', 6882);
  assert.equal(second.complete, 2);
  // Compact peers, 6 bytes each: the first peer is at 127.0.0.1:6881.
  assert.ok((second.peers as Buffer).includes(Buffer.from([127, 0, 0, 1, 0x1a, 0xe1])), (second.peers as Buffer).toString('hex'));
  const stranger = await announce('ff'.repeat(20), '-AT0001-third', 6883);
  assert.match(String(stranger['failure reason']), /only tracks the torrents of this archive/);
});

test('start-up failures are named, with exit status 8', async () => {
  let run = await runCli(['serve', '--archive-root', join(archive.root, 'no-such-dir'), '--listen', '127.0.0.1:0']);
  assert.equal(run.code, 8);
  assert.match(run.stderr, /error \[E_SERVE\]: --archive-root .* is not a directory/);
  const port = new URL(server.url).port;
  run = await runCli(['serve', '--archive-root', archive.root, '--listen', `127.0.0.1:${port}`]);
  assert.equal(run.code, 8);
  assert.match(run.stderr, /cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE[\s\S]*hint: another program uses that port/);
  run = await runCli(['serve', '--archive-root', archive.root, '--listen', '::1:80']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--listen ::1:80 is not HOST:PORT/);
});

/** Percent-encode every byte, as BitTorrent clients do for info_hash and peer_id. */
function escapeBytes(bytes: Buffer): string {
  return [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
}
