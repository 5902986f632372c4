/**
 * install, download and --no-torrent end to end since they run through the
 * method: ONE real apt-get run (counted by a shim in PATH), with the built
 * method plugged in by `-o` for that run only, on a mirror that publishes a
 * manifest and a tracker, with an aria2 seeder (and a second one that
 * publishes none, whose sources are left to plain apt-get). The sandbox's sources stay
 * plain `http://` on disk.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildArchive, type TestArchive } from '../helpers/archive.js';
import { runCli, type Served } from '../helpers/cli.js';
import { TestMirror } from '../helpers/mirror.js';
import type { Proc } from '../helpers/proc.js';
import { aptUpdate, cached, createSandbox, installed, removeSandbox, type Sandbox } from '../helpers/sandbox.js';
import { publishWithTracker, seedDir, startAria2Seeder } from '../helpers/swarm.js';
import { tempDir } from '../helpers/temp.js';
import { poll } from '../helpers/wait.js';

const MiB = 1024 * 1024;

describe('install and download: one apt-get run through the method', () => {
  let repo: TestArchive;
  let mirror: TestMirror;
  let tracker: Served;
  let shim: string;
  /** A second mirror, which publishes no manifest. */
  const bare = {} as { repo: TestArchive; mirror: TestMirror };
  const procs: Proc[] = [];
  const sandboxes: Sandbox[] = [];
  const debPath = (name: string) => join(repo.root, repo.pool.get(name)!);
  const debName = (name: string) => repo.pool.get(name)!.split('/').pop()!;

  before(async () => {
    repo = buildArchive([
      { name: 'bigdata', version: '1.0', payload: 6 * MiB },
      { name: 'smalla', version: '1.0', payload: 30_000 },
      { name: 'smallb', version: '1.0', payload: 40_000 },
    ]);
    mirror = new TestMirror(repo.root);
    await mirror.start();
    ({ tracker } = await publishWithTracker(repo.root, mirror.url));
    repo.index({ release: ['-o', 'APT::FTPArchive::Release::Patterns::=manifest.json'] });
    bare.repo = buildArchive([
      { name: 'plainone', version: '1.0', payload: 50_000 },
      { name: 'plaintwo', version: '1.0', payload: 60_000 },
    ]);
    bare.mirror = new TestMirror(bare.repo.root);
    await bare.mirror.start();
    // Every apt-get the command starts goes through this shim, which writes down its arguments.
    shim = tempDir('apt-get-shim');
    writeFileSync(join(shim, 'apt-get'), '#!/bin/sh\nprintf \'%s\\n\' "$*" >> "$APT_GET_LOG"\nexec /usr/bin/apt-get "$@"\n');
    chmodSync(join(shim, 'apt-get'), 0o755);
  });

  after(async () => {
    for (const proc of procs) await proc.stop();
    await tracker?.stop();
    await mirror?.stop();
    await bare.mirror?.stop();
    bare.repo?.dispose();
    for (const box of sandboxes) removeSandbox(box);
    repo?.dispose();
  });

  /** A sandboxed APT on the plain http:// mirror, updated, whose apt-get runs are logged. */
  const fresh = async (config: Record<string, unknown> = {}, source = mirror.url, moreSources: string[] = []) => {
    const box = createSandbox(source);
    if (moreSources.length > 0) writeFileSync(join(box.dir, 'etc/sources.list'), `${sourcesOf(box)}${moreSources.join('\n')}\n`);
    sandboxes.push(box);
    const configFile = join(box.dir, 'xdg/apt-torrent/config.json');
    writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), ...config }));
    box.env = { ...box.env, APT_TORRENT_SYSCONFDIR: join(box.dir, 'no-etc'), APT_GET_LOG: join(box.dir, 'apt-get.log'), PATH: `${shim}:${box.env.PATH}` };
    if (source.startsWith('torrent+')) appendConf(box, `Dir::Bin::Methods::torrent+http "${methodPath()}";`);
    await aptUpdate(box);
    writeFileSync(join(box.dir, 'apt-get.log'), '');
    return box;
  };
  const appendConf = (box: Sandbox, line: string) => writeFileSync(join(box.dir, 'apt.conf'), `${readFileSync(join(box.dir, 'apt.conf'), 'utf8')}${line}\n`);
  const methodPath = () => new URL('../../src/method/main.js', import.meta.url).pathname;
  const aptGetRuns = (box: Sandbox) => readFileSync(join(box.dir, 'apt-get.log'), 'utf8').split('\n').filter(Boolean);
  const requestsFor = (mark: number, name: string) => mirror.requests.slice(mark).filter((request) => request.path.endsWith(debName(name)));
  const servedSince = (mark: number, name: string) => requestsFor(mark, name).reduce((sum, request) => sum + request.bytes, 0);
  const sourcesOf = (box: Sandbox) => readFileSync(join(box.dir, 'etc/sources.list'), 'utf8');
  /** No trace of apt-torrent in the run: no option of ours, no copy of the sources, no method directory, no closing line. */
  const assertPlainRun = (box: Sandbox, output: string) => {
    const runs = aptGetRuns(box);
    assert.equal(runs.length, 1, `one apt-get run: ${runs.join(' | ')}`);
    assert.doesNotMatch(runs[0]!, /Dir::Bin::Methods|Dir::Etc::Source|AptTorrent::|Keep-Fds/, runs[0]);
    assert.equal(existsSync(join(box.dir, 'cache/apt-torrent-partial')), false, 'the method never started');
    assert.doesNotMatch(output, /torrent\+http|from peers/);
  };
  const closing = (output: string) => /Fetched (\d+) files?, .* in .*: (.+) from peers, (.+) from the mirror/.exec(output);

  it('install: the big .deb from peers, the small ones from the mirror, in one apt-get run; the sources on disk untouched', async () => {
    procs.push(await startAria2Seeder(`${debPath('bigdata')}.torrent`, seedDir(debPath('bigdata')), '127.0.0.2'));
    try {
      const box = await fresh();
      const sources = sourcesOf(box);
      const mark = mirror.requests.length;
      const result = await runCli(['install', '-y', 'bigdata', 'smalla', 'smallb'], box.env);
      assert.equal(result.code, 0, result.stderr + result.stdout);
      const now = installed(box);
      for (const name of ['bigdata', 'smalla', 'smallb']) assert.equal(now.get(name), '1.0', name);
      const size = repo.bytes('bigdata').length;
      assert.ok(servedSince(mark, 'bigdata') < size * 0.2, `the mirror served ${servedSince(mark, 'bigdata')} of ${size} bytes of the torrent's file`);
      for (const name of ['smalla', 'smallb']) {
        assert.deepEqual(requestsFor(mark, name).map((request) => [request.range, request.status]), [[undefined, 200]], `${name}: one plain GET by APT`);
      }
      assert.match(result.stdout, /Get:\d+ torrent\+http:\/\/127\.0\.0\.1:\d+ stable\/main [a-z0-9]+ bigdata all 1\.0/, 'APT\'s own progress names the torrent+http source');
      const line = closing(result.stderr);
      assert.ok(line, result.stderr);
      assert.equal(line[1], '3');
      assert.notEqual(line[2], '0 B', 'bytes from peers');
      const runs = aptGetRuns(box);
      assert.equal(runs.length, 1, `one apt-get run: ${runs.join(' | ')}`);
      assert.match(runs[0]!, / install -y bigdata smalla smallb$/);
      assert.doesNotMatch(runs[0]!, /--print-uris/);
      assert.match(runs[0]!, /Dir::Etc::SourceList=/, 'a switched copy of the sources for this run');
      assert.equal(sourcesOf(box), sources, 'the sandbox\'s own sources file is as it was');
      assert.deepEqual(readdirSync(join(box.archives, 'partial')).filter((name) => name.endsWith('.deb')), []);
    } finally {
      for (const proc of procs.splice(0)) await proc.stop();
    }
  });

  it('download: apt-get install --download-only, the files verified in the cache, nothing installed', async () => {
    const box = await fresh();
    const result = await runCli(['download', 'bigdata', 'smalla'], box.env);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.equal(cached(box, debName('bigdata')), true);
    assert.equal(cached(box, debName('smalla')), true);
    assert.equal(readFileSync(join(box.archives, debName('bigdata'))).equals(repo.bytes('bigdata')), true);
    assert.equal(installed(box).size, 0);
    assert.match(aptGetRuns(box)[0]!, / install --download-only -y bigdata smalla$/);
    assert.equal(aptGetRuns(box).length, 1);
    assert.match(result.stderr, /Fetched 2 files/);
  });

  it('--no-torrent: a plain apt-get run, every file from the mirror by APT\'s own http method', async () => {
    const box = await fresh();
    const mark = mirror.requests.length;
    const result = await runCli(['download', '--no-torrent', 'bigdata', 'smalla'], box.env);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.deepEqual(requestsFor(mark, 'bigdata').map((request) => [request.range, request.status]), [[undefined, 200]], 'one plain GET, no web seed ranges');
    assertPlainRun(box, result.stdout + result.stderr);
    assert.equal(cached(box, debName('bigdata')), true);
  });

  it('a mirror that publishes no manifest: one plain apt-get run, the method never started, the .debs in the cache', async () => {
    const box = await fresh({}, bare.mirror.url);
    const result = await runCli(['download', 'plainone', 'plaintwo'], box.env);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    for (const name of ['plainone', 'plaintwo']) {
      const file = bare.repo.pool.get(name)!.split('/').pop()!;
      assert.equal(readFileSync(join(box.archives, file)).equals(bare.repo.bytes(name)), true, name);
    }
    assertPlainRun(box, result.stdout + result.stderr);
    assert.match(aptGetRuns(box)[0]!, /(^| )install --download-only -y plainone plaintwo$/);
    assert.match(result.stdout, /Get:\d+ http:\/\/127\.0\.0\.1:\d+ stable\/main [a-z0-9]+ plainone all 1\.0/);
  });

  it('two sources, one with a manifest and one without: only the first is switched for the run', async () => {
    const box = await fresh({}, mirror.url, [`deb [trusted=yes] ${bare.mirror.url} stable main`]);
    const sources = sourcesOf(box);
    const result = await runCli(['download', 'bigdata', 'plainone'], box.env);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.equal(cached(box, debName('bigdata')), true);
    assert.equal(cached(box, bare.repo.pool.get('plainone')!.split('/').pop()!), true);
    const port = (url: string) => new URL(url).port;
    assert.match(result.stdout, new RegExp(`Get:\\d+ torrent\\+http://127\\.0\\.0\\.1:${port(mirror.url)} stable/main [a-z0-9]+ bigdata all`), 'by BitTorrent, through the method');
    assert.match(result.stdout, new RegExp(`Get:\\d+ http://127\\.0\\.0\\.1:${port(bare.mirror.url)} stable/main [a-z0-9]+ plainone all`), 'by APT\'s own http method');
    const runs = aptGetRuns(box);
    assert.equal(runs.length, 1);
    assert.match(runs[0]!, /Dir::Etc::SourceList=/, 'a copy of the sources for this run');
    // The closing line counts what went through the method: the file of the switched source.
    assert.match(result.stderr, /Fetched 1 file, /, result.stderr);
    assert.equal(sourcesOf(box), sources);
  });

  it('--manifest reaches the method: a manifest that is not one costs a warning and a plain GET', async () => {
    const box = await fresh();
    const manifest = join(box.dir, 'not-a-manifest.json');
    writeFileSync(manifest, '{"version": 1, "files": [');
    const mark = mirror.requests.length;
    const result = await runCli(['download', '--manifest', `file://${manifest}`, 'bigdata'], box.env);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(aptGetRuns(box)[0]!, /AptTorrent::Manifest=file:\/\//);
    assert.match(result.stdout + result.stderr, /W: .*manifest/);
    assert.deepEqual(requestsFor(mark, 'bigdata').map((request) => [request.range, request.status]), [[undefined, 200]], 'the published manifest was not used');
  });

  it('a tampered .deb is refused: apt-get\'s failure is the command\'s, nothing unverified in the cache', async () => {
    const box = await fresh({ torrent: { stallSeconds: 2, webSeedDelay: 0 } });
    const paths = [`/${repo.pool.get('bigdata')}`, `/${repo.pool.get('smallb')}`];
    for (const path of paths) mirror.faults.set(path, { kind: 'tamper' });
    try {
      const result = await runCli(['install', '-y', 'bigdata', 'smallb'], box.env);
      assert.equal(result.code, 100, result.stderr + result.stdout);
      assert.match(result.stdout + result.stderr, /Hash Sum mismatch|hash sum mismatch/i);
      for (const name of ['bigdata', 'smallb']) {
        assert.equal(cached(box, debName(name)), false, name);
        assert.equal(existsSync(join(box.archives, 'partial', debName(name))), false, name);
        assert.equal(installed(box).has(name), false, name);
      }
    } finally {
      for (const path of paths) mirror.faults.delete(path);
    }
  });

  it('a package APT does not know: apt-get\'s message and exit status, unchanged', async () => {
    const box = await fresh();
    const result = await runCli(['install', '-y', 'no-such-package'], box.env);
    assert.equal(result.code, 100);
    assert.match(result.stdout + result.stderr, /Unable to locate package no-such-package/);
    assert.doesNotMatch(result.stderr, /Fetched/);
    assert.equal(aptGetRuns(box).length, 1);
  });

  it('hands what came by torrent to the seeder once, and nothing with --no-seed', async () => {
    procs.push(await startAria2Seeder(`${debPath('bigdata')}.torrent`, seedDir(debPath('bigdata')), '127.0.0.2'));
    try {
      const without = await fresh({ seed: { enabled: true } });
      const no = await runCli(['install', '-y', '--no-seed', 'bigdata'], without.env);
      assert.equal(no.code, 0, no.stderr + no.stdout);
      assert.match(aptGetRuns(without)[0]!, /AptTorrent::Seed=false/);
      const box = await fresh({ seed: { enabled: true } });
      const result = await runCli(['install', '-y', 'bigdata'], box.env);
      assert.equal(result.code, 0, result.stderr + result.stdout);
      const pending = join(box.dir, 'apt-torrent-state/pending-seeds.json');
      assert.ok(await poll(() => existsSync(pending), 20_000), "the hand-over arrived");
      const entries = JSON.parse(readFileSync(pending, 'utf8')) as Array<{ package: string }>;
      assert.deepEqual(entries.map((entry) => entry.package), ['bigdata'], 'recorded once');
      // The --no-seed run ended first; its method started no hand-over at all.
      assert.equal(existsSync(join(without.dir, 'apt-torrent-state/pending-seeds.json')), false);
    } finally {
      for (const proc of procs.splice(0)) await proc.stop();
    }
  });

  it('a system already switched with torrent+http sources is used as it is, not switched twice', async () => {
    const box = await fresh({}, `torrent+${mirror.url}`);
    const result = await runCli(['download', 'smalla'], box.env);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const [run] = aptGetRuns(box);
    assert.doesNotMatch(run!, /Dir::Etc::SourceList=/, 'no copy of the sources');
    assert.doesNotMatch(run!, /Dir::Bin::Methods::torrent\+http=/, 'the method APT is configured with');
    assert.equal(cached(box, debName('smalla')), true);
  });
});
