import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { candidate } from './helpers/fixtures.js';
import { runCli } from '../helpers/cli.js';
import { cleanEnv } from '../helpers/env.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { list, startDaemon, waitForList, type Daemon } from './helpers/daemon.js';

/**
 * The daemon given files by hand (no APT needed): it seeds only what proves
 * itself, and never opens a path outside its store.
 */
describe('the seeding store: only verified files, only inside the store', () => {
  const dir = tempDir('store');
  const stateDir = join(dir, 'state');
  const cache = join(dir, 'archives');
  const configFile = join(dir, 'xdg/apt-torrent/config.json');
  const env = cleanEnv({ APT_TORRENT_SYSCONFDIR: join(dir, 'none'), XDG_CONFIG_HOME: join(dir, 'xdg') });
  const store = join(stateDir, 'store');
  let daemon: Daemon | undefined;
  mkdirSync(cache);
  mkdirSync(stateDir);
  mkdirSync(join(dir, 'xdg/apt-torrent'), { recursive: true });
  writeFileSync(configFile, JSON.stringify({ stateDir, seed: { enabled: true, socket: join(dir, 'seed.sock'), listenPort: 0, diskBudget: '5MiB' } }));
  const cli = (args: string[]) => runCli(args, env);
  const start = async () => {
    daemon = await startDaemon(env);
  };

  after(async () => {
    await daemon?.stop();
    removeTempDir(dir);
  });

  it('takes only files whose SHA256 and infohash prove themselves, never through a symlink or a path in a name', async () => {
    const good = candidate(cache, 'good', randomBytes(1_500_000));
    const tampered = candidate(cache, 'tampered', randomBytes(1_200_000));
    writeFileSync(tampered.path, randomBytes(1_200_000));
    const linked = candidate(cache, 'linked', randomBytes(300_000));
    unlinkSync(linked.path);
    symlinkSync(good.path, linked.path);
    const escaping = { ...candidate(cache, 'escaping', randomBytes(100_000)), name: '../../escaping.deb' };
    const tooBig = candidate(cache, 'toobig', randomBytes(4 * 1024 * 1024));
    writeFileSync(join(stateDir, 'pending-seeds.json'), JSON.stringify([good, tampered, linked, escaping, tooBig]));
    await start();
    const torrents = await waitForList(env, (all) => all.length === 1 && all[0]!.state === 'seeding', 10_000).catch(async () => list(env));
    assert.deepEqual(torrents.map((torrent) => torrent.package), ['good']);
    const log = daemon!.log();
    assert.match(log, /tampered 1\.0: removed from the store \(it failed its check: SHA256 [0-9a-f]+ is not [0-9a-f]+ from APT's Packages index/);
    assert.match(log, /linked 1\.0: not seeded: .*linked_1\.0_all\.deb is not a regular file/);
    assert.match(log, /not seeding a recorded file: name "\.\.\/\.\.\/escaping\.deb" is not a plain file name/);
    assert.match(log, /toobig 1\.0: not seeded: 4\.0 MiB more would exceed seed\.diskBudget \(5\.0 MiB\)/);
    assert.deepEqual(readdirSync(store).sort(), [good.infoHash, `${good.infoHash}.json`].sort());
    assert.ok(!existsSync(join(stateDir, 'pending-seeds.json')) && !existsSync(join(stateDir, 'pending-seeds.taking.json')));
  });

  it('drops a stored file that became a symlink, and leftovers that are not entries', async () => {
    const { infoHash, name } = (await list(env))[0]!;
    await daemon!.stop();
    const stored = join(store, infoHash!, name!);
    unlinkSync(stored);
    symlinkSync('/etc/passwd', stored);
    mkdirSync(join(store, 'f'.repeat(40)));
    writeFileSync(join(store, `${'e'.repeat(40)}.json`), JSON.stringify({ ...candidate(cache, 'planted', randomBytes(1000)), infoHash: 'e'.repeat(40), name: '../../../etc/shadow' }));
    await start();
    await waitForList(env, (all) => all.length === 0, 10_000);
    const log = daemon!.log();
    assert.match(log, /good 1\.0: removed from the store \(it failed its check: .*is not a regular file/);
    assert.match(log, /store: .*e{40}\.json: name "\.\.\/\.\.\/\.\.\/etc\/shadow" is not a plain file name; removed/);
    assert.match(log, /store: .*f{40}: no facts file beside it/);
    assert.deepEqual(readdirSync(store), []);
    assert.ok(existsSync('/etc/passwd'), 'the symlink went, not its target');
    assert.equal((await cli(['seeding', 'list'])).stdout, 'Nothing is seeded.\n');
  });
});
