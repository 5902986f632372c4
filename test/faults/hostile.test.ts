/**
 * A hostile manifest can cost time, never more (the manifest only decides
 * how a file is fetched; APT's index decides what it must be):
 * a torrent whose name is a path to webtorrent, and a manifest nested past
 * any stack, both end in a plain HTTP download of the verified file.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { encode } from '../../src/bittorrent/bencode.js';
import type { TestArchive } from '../helpers/archive.js';
import { runCli, startCli } from '../helpers/cli.js';
import { piecesOf, sha256 } from '../helpers/hash.js';
import type { TestMirror } from '../helpers/mirror.js';
import type { Sandbox } from '../helpers/sandbox.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

const PIECE = 1 << 20;

describe('a hostile manifest', () => {
  let site: ServedArchive;
  let repo: TestArchive;
  let mirror: TestMirror;
  let box: Sandbox;
  const outside = tempDir('victim');
  before(async () => {
    site = await ServedArchive.start([{ name: 'bigdata', version: '1.0', payload: 2_500_000 }]);
    ({ archive: repo, mirror } = site);
    box = await site.sandbox();
  });
  after(async () => {
    await site?.stop();
    removeTempDir(outside);
  });

  const manifestWith = (file: Record<string, unknown> | unknown) => {
    const path = join(box.dir, `manifest-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, JSON.stringify({
      version: 1, generator: 'hostile', generated: '2026-01-01T00:00:00Z', archive: mirror.url, suite: 'stable', components: ['main'],
      architectures: ['all'], trackers: [], selection: { weighting: 'size', share: 1, minSize: 0 }, files: [file],
    }));
    return `file://${path}`;
  };

  it('a torrent whose name.utf-8 leads out of the partial directory is refused; nothing outside is touched', async () => {
    const deb = repo.bytes('bigdata');
    const victim = join(outside, 'victim');
    writeFileSync(victim, 'precious\n');
    const info = encode({ length: deb.length, name: 'bigdata_1.0_all.deb', 'name.utf-8': `${'../'.repeat(20)}${victim.slice(1)}`, 'piece length': PIECE, pieces: piecesOf(deb, PIECE) });
    mkdirSync(join(repo.root, 'hostile'), { recursive: true });
    writeFileSync(join(repo.root, 'hostile/bigdata.torrent'), Buffer.concat([Buffer.from('d4:info'), info, Buffer.from('e')]));
    const manifest = manifestWith({
      filename: repo.pool.get('bigdata'), size: deb.length, sha256: sha256(deb), package: 'bigdata', version: '1.0',
      architecture: 'all', infoHash: createHash('sha1').update(info).digest('hex'), pieceLength: PIECE, torrent: 'hostile/bigdata.torrent',
    });
    const result = await runCli(['download', '--prefetch', '--manifest', manifest, 'bigdata'], box.env, { timeoutMs: 60_000 });
    assert.equal(existsSync(victim) && readFileSync(victim, 'utf8'), 'precious\n', 'the file outside is untouched');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /torrent .*hostile\/bigdata\.torrent for bigdata_1\.0_all\.deb: info\.name\.utf-8 names another file than info\.name; fetching it over HTTP/);
    assert.deepEqual(readFileSync(join(box.archives, 'bigdata_1.0_all.deb')), deb);
  });

  it('a manifest URL that answers without end: a warning within seconds, memory bounded, the files over HTTP', async () => {
    rmSync(join(box.archives, 'bigdata_1.0_all.deb'), { force: true });
    const chunk = Buffer.alloc(1 << 20, 0x20);
    let sent = 0;
    const endless = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const pump = () => {
        while (!response.destroyed) {
          sent += chunk.length;
          if (!response.write(chunk)) return;
        }
      };
      response.on('drain', pump);
      pump();
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(endless.address() as AddressInfo).port}/manifest.json`;
      const started = Date.now();
      const download = startCli(['download', '--prefetch', '--manifest', url, 'bigdata'], box.env);
      const { child } = download;
      let peakKiB = 0;
      const sample = setInterval(() => {
        try {
          const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
          peakKiB = Math.max(peakKiB, Number(rss ?? 0));
        } catch {
          // exited between two looks
        }
      }, 20);
      // Unbounded, it would take three times http.timeout and gigabytes: the test fails in 15 s instead.
      const limit = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const { code, stderr } = await download.done.finally(() => {
        clearInterval(sample);
        clearTimeout(limit);
      });
      assert.equal(code, 0, stderr);
      assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
      assert.match(stderr, /W: manifest http:.*: cannot be fetched \(the answer is larger than 67108864 bytes\); its files come over HTTP/);
      assert.ok(peakKiB < 400 * 1024, `peak RSS ${peakKiB} KiB after ${sent >> 20} MiB sent`);
      assert.deepEqual(readFileSync(join(box.archives, 'bigdata_1.0_all.deb')), repo.bytes('bigdata'));
    } finally {
      endless.closeAllConnections();
      endless.close();
    }
  });

  it('a manifest nested 100,000 deep is a warning; the files come over HTTP', async () => {
    rmSync(join(box.archives, 'bigdata_1.0_all.deb'), { force: true });
    const path = join(box.dir, 'deep.json');
    writeFileSync(path, `{"version": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    const result = await runCli(['download', '--prefetch', '--manifest', `file://${path}`, 'bigdata'], box.env, { timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /W: manifest file:.*deep\.json: does not follow the manifest schema: version: expected 1, got an array nested too deeply to show .*; its files come over HTTP/);
    assert.deepEqual(readFileSync(join(box.archives, 'bigdata_1.0_all.deb')), repo.bytes('bigdata'));
  });
});
