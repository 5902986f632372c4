import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestArchive } from '../helpers/archive.js';
import { runCli } from '../helpers/cli.js';
import { aptUpdate, type Sandbox } from '../helpers/sandbox.js';
import { list, startDaemon, waitForList, type Daemon } from './helpers/daemon.js';
import { MiB, SeedingSwarm } from './helpers/seeding-swarm.js';

describe('clean and stop: what leaves the seeding store, and when', () => {
  let swarm: SeedingSwarm;
  let repo: TestArchive;
  let box: Sandbox;
  let daemon: Daemon | undefined;

  before(async () => {
    swarm = await SeedingSwarm.start();
    ({ repo, box } = swarm);
    // bigdesk taken from the record install left, then its cached copy cleaned away: the store holds its only link.
    const desk = await runCli(['install', '--prefetch', '-y', 'bigdesk'], box.env);
    assert.equal(desk.code, 0, desk.stderr);
    daemon = await startDaemon(box.env);
    await waitForList(box.env, (all) => all.length === 1 && all[0]!.state === 'seeding');
    execFileSync('apt-get', ['clean'], { env: box.env });
    // bigdata handed over while the daemon runs: APT's archive cache keeps a second link.
    const data = await runCli(['install', '--prefetch', '-y', 'bigdata'], box.env);
    assert.equal(data.code, 0, data.stderr);
    await waitForList(box.env, (all) => all.length === 2 && all.every((torrent) => torrent.state === 'seeding'));
  });

  after(async () => {
    await daemon?.stop();
    await swarm?.stop();
  });

  it('clean: after a new version is published and apt-get update, the old one leaves the list and the store; one still indexed stays', async () => {
    const old = (await list(box.env)).find((torrent) => torrent.package === 'bigdata')!;
    rmSync(repo.path('bigdata'));
    rmSync(`${repo.path('bigdata')}.torrent`);
    repo.add({ name: 'bigdata', version: '1.1', payload: 8 * MiB });
    repo.index();
    const published = await runCli(['publish', '--archive-root', repo.root, '--suite', 'stable', '--base-url', swarm.mirror.url, '--tracker', swarm.announce, '--min-size', '1MiB', '--share', '1']);
    assert.equal(published.code, 0, published.stderr);
    await aptUpdate(box);

    const dry = await runCli(['clean', '--dry-run'], box.env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^Would remove bigdata 1\.0 \(8\.0 MiB\): it left the Packages indexes$/m);
    assert.equal((await list(box.env)).length, 2, 'a dry run changes nothing');

    const cleaned = await runCli(['clean'], box.env);
    assert.equal(cleaned.code, 0, cleaned.stderr);
    // APT's archive cache still holds its other link, so no disk comes back yet.
    assert.match(cleaned.stdout, /^Removed bigdata 1\.0 \(8\.0 MiB, 0 B freed: APT's archive cache still holds it\): it left the Packages indexes$/m);
    assert.match(cleaned.stdout, /Removed 1 seeded file\(s\), 0 B freed; 1 still seeded/);
    const torrents = await list(box.env);
    assert.deepEqual(torrents.map((torrent) => torrent.package), ['bigdesk']);
    assert.ok(!existsSync(join(swarm.store(), old.infoHash)));
    assert.ok(!readdirSync(swarm.store()).some((name) => name.startsWith(old.infoHash)));

    const again = await runCli(['clean'], box.env);
    assert.match(again.stdout, /Nothing to clean: the 1 seeded file\(s\) are all still in the Packages indexes/);
  });

  it('clean --manifest-gone also names what the mirror stopped tracking; plain clean keeps it while it is indexed', async () => {
    // bigdesk (3 MiB) falls under the new --min-size: still in the index, no longer in the manifest.
    const published = await runCli(['publish', '--archive-root', repo.root, '--suite', 'stable', '--base-url', swarm.mirror.url, '--tracker', swarm.announce, '--min-size', '4MiB', '--share', '1']);
    assert.equal(published.code, 0, published.stderr);
    await aptUpdate(box);
    const plain = await runCli(['clean', '--dry-run'], box.env);
    assert.match(plain.stdout, /Nothing to clean/);
    const gone = await runCli(['clean', '--dry-run', '--manifest-gone'], box.env);
    assert.equal(gone.code, 0, gone.stderr);
    assert.match(gone.stdout, /^Would remove bigdesk 2\.0 \(3\.0 MiB\): the manifest no longer lists it$/m);
  });

  it('stop removes a package from the list and the store', async () => {
    const bigdesk = (await list(box.env)).find((torrent) => torrent.package === 'bigdesk')!;
    const stopped = await runCli(['seeding', 'stop', 'bigdesk'], box.env);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, /^Stopped bigdesk 2\.0 and removed it from the store \(3\.0 MiB freed\)$/m);
    assert.deepEqual(await list(box.env), []);
    assert.ok(!existsSync(join(swarm.store(), bigdesk.infoHash)));
  });

  it('with the daemon stopped: a clear message and status 9; clean still works', async () => {
    await daemon!.stop();
    daemon = undefined;
    const listed = await runCli(['seeding', 'list'], box.env);
    assert.equal(listed.code, 9);
    assert.match(listed.stderr, /E_NOT_RUNNING.*the seeding daemon is not running/);
    assert.match(listed.stderr, /hint: start it with `systemctl start apt-torrent-seed`/);
    const names = await runCli(['seeding', 'list', '--names'], box.env);
    assert.equal(names.stdout, '');
    const cleaned = await runCli(['clean'], box.env);
    assert.equal(cleaned.code, 0, cleaned.stderr);
  });
});
