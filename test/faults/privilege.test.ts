/**
 * What the seeding daemon leaves on disk is closed to other users, and
 * `clean` deletes inside its store only, whatever symlinks an entry holds.
 * (The socket's modes with and without seed.group, and the daemon refusing
 * symlinked files, are in test/seed/socket.test.ts and store-safety.test.ts.)
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import type { Sandbox } from '../helpers/sandbox.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { configureSeeding, startDaemon, waitForList, type Daemon } from '../seed/helpers/daemon.js';
import { candidate } from '../seed/helpers/fixtures.js';

/** Every path under `dir`, with its lstat, the directory itself first. */
function walk(dir: string): Array<{ path: string; mode: number; kind: string }> {
  const info = lstatSync(dir);
  const here = { path: dir, mode: info.mode & 0o7777, kind: info.isDirectory() ? 'dir' : info.isSocket() ? 'socket' : info.isSymbolicLink() ? 'symlink' : 'file' };
  if (!info.isDirectory()) return [here];
  return [here, ...readdirSync(dir).flatMap((name) => walk(join(dir, name)))];
}

describe('the seeder\'s files and clean, against other users and symlinks', () => {
  let site: ServedArchive;
  let box: Sandbox;
  let daemon: Daemon | undefined;
  let stateDir: string;
  let socket: string;
  const outside = tempDir('outside');

  before(async () => {
    site = await ServedArchive.start([{ name: 'still', version: '1.0', payload: 10_000 }]);
    box = await site.sandbox((sandbox) => {
      stateDir = join(sandbox.dir, 'apt-torrent-state');
      socket = join(sandbox.dir, 'seed.sock');
      configureSeeding(join(sandbox.dir, 'xdg/apt-torrent/config.json'), { socket, diskBudget: 0 });
    });
  });
  after(async () => {
    await daemon?.stop();
    await site?.stop();
    removeTempDir(outside);
  });

  it('the socket is 0600, and nothing the daemon writes is writable by group or others; the store is closed to them', async () => {
    const cache = join(box.dir, 'handed');
    mkdirSync(cache);
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, 'pending-seeds.json'), JSON.stringify([candidate(cache, 'seeded', randomBytes(200_000))]));
    daemon = await startDaemon(box.env);
    await waitForList(box.env, (all) => all.length === 1 && all[0]!.state === 'seeding', 15_000);
    // Pause writes the state file.
    assert.equal((await runCli(['seeding', 'pause', 'seeded'], box.env)).code, 0);
    const socketInfo = statSync(socket);
    assert.ok(socketInfo.isSocket());
    assert.equal(socketInfo.mode & 0o777, 0o600, 'control socket: root only');
    const tree = walk(stateDir);
    const state = tree.find((entry) => entry.path === join(stateDir, 'seeding.json'));
    assert.ok(state, `a state file among ${tree.map((entry) => entry.path).join(', ')}`);
    assert.equal(state.mode & 0o077, 0, 'seeding.json: for root only');
    for (const entry of tree) assert.equal(entry.mode & 0o022, 0, `${entry.path} (${entry.kind}, ${entry.mode.toString(8)}) is writable by group or others`);
    for (const entry of tree.filter((item) => item.path.startsWith(join(stateDir, 'store')) && item.kind === 'dir')) {
      assert.equal(entry.mode & 0o077, 0, `${entry.path} is open to others (${entry.mode.toString(8)})`);
    }
    await daemon.stop();
    daemon = undefined;
  });

  it('clean removes entries that left the index without following their symlinks out of the store', async () => {
    const store = join(stateDir, 'store');
    mkdirSync(store, { recursive: true, mode: 0o700 });
    // Three entries for packages no index has any more, each with a symlink where the store has its own files.
    const victimDir = join(outside, 'a-directory');
    mkdirSync(victimDir);
    const viaDir = candidate(outside, 'viadir', randomBytes(50_000));
    writeFileSync(join(victimDir, viaDir.name!), 'keep me\n');
    symlinkSync(victimDir, join(store, viaDir.infoHash));
    const viaFile = candidate(outside, 'viafile', randomBytes(50_000));
    mkdirSync(join(store, viaFile.infoHash));
    symlinkSync(viaFile.path, join(store, viaFile.infoHash, viaFile.name!));
    const viaFacts = candidate(outside, 'viafacts', randomBytes(50_000));
    mkdirSync(join(store, viaFacts.infoHash));
    const outsideFacts = join(outside, 'facts.json');
    for (const entry of [viaDir, viaFile]) writeFileSync(join(store, `${entry.infoHash}.json`), JSON.stringify(entry));
    writeFileSync(outsideFacts, JSON.stringify(viaFacts));
    symlinkSync(outsideFacts, join(store, `${viaFacts.infoHash}.json`));
    const before = walk(outside).map((entry) => `${entry.path} ${entry.kind}`).sort();

    const dry = await runCli(['clean', '--dry-run'], box.env);
    assert.equal(dry.code, 0, dry.stderr);
    for (const name of ['viadir', 'viafile', 'viafacts']) assert.match(dry.stdout + dry.stderr, new RegExp(name));
    const result = await runCli(['clean'], box.env);
    assert.equal(result.code, 0, result.stderr);

    assert.deepEqual(walk(outside).map((entry) => `${entry.path} ${entry.kind}`).sort(), before, 'nothing outside the store was removed');
    assert.equal(readFileSync(join(victimDir, viaDir.name!), 'utf8'), 'keep me\n');
    assert.ok(existsSync(viaFile.path) && existsSync(outsideFacts));
    for (const entry of [viaDir, viaFile, viaFacts]) {
      assert.equal(existsSync(join(store, entry.infoHash)), false, `${entry.package}'s data left the store`);
      assert.equal(existsSync(join(store, `${entry.infoHash}.json`)), false, `${entry.package}'s facts left the store`);
    }
  });
});
