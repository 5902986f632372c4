/**
 * The seeding daemon on a real swarm with its sources of truth faked: a
 * sysfs tree (a laptop, on battery or on mains), the routing table and an
 * nmcli that says whether the default route is metered. While uploads are
 * paused not one byte goes to a peer; when the fake flips they resume, and
 * `seeding stats` and the Prometheus file agree with what aria2 received.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SeedingStats } from '../../src/seed/stats.js';
import type { TestArchive } from '../helpers/archive.js';
import { runCli } from '../helpers/cli.js';
import { sha256 } from '../helpers/hash.js';
import { RawPeer } from '../helpers/raw-peer.js';
import type { Sandbox } from '../helpers/sandbox.js';
import { aria2Leech } from '../helpers/swarm.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { poll, sleep } from '../helpers/wait.js';
import { configureSeeding, list, startDaemon, waitForList, type Daemon } from './helpers/daemon.js';
import { parseExposition, valueOf } from './helpers/prometheus.js';
import { SeedingSwarm } from './helpers/seeding-swarm.js';
import { FakeSensors } from './helpers/sensors.js';

describe('the seeding daemon pauses uploads on battery and on a metered link, and counts what it served', () => {
  let swarm: SeedingSwarm;
  let repo: TestArchive;
  let box: Sandbox;
  let daemon: Daemon | undefined;
  let sensors: FakeSensors;
  let metrics: string;
  const start = async () => {
    daemon = await startDaemon({ ...box.env, ...sensors.env(), APT_TORRENT_CHECK_SECONDS: '1' });
  };
  const port = () => Number(/peers on port (\d+)/.exec(daemon!.log())![1]);
  const stats = async (): Promise<SeedingStats> => {
    const result = await runCli(['seeding', 'stats', '--json'], box.env);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout);
  };

  before(async () => {
    swarm = await SeedingSwarm.start();
    ({ repo, box } = swarm);
    sensors = new FakeSensors(tempDir('sensors'));
    sensors.laptop(false);
    sensors.route('wlan0');
    sensors.metered('no');
    metrics = join(box.dir, 'textfile-collector/apt-torrent.prom');
    configureSeeding(swarm.configFile(), { prometheusFile: metrics });
  });

  after(async () => {
    await daemon?.stop();
    await swarm?.stop();
    if (sensors) removeTempDir(sensors.dir);
  });

  it('on battery from the start: the file is paused (battery), and a peer that asks for it gets not one byte', async () => {
    const install = await runCli(['install', '-y', 'bigdesk'], box.env);
    assert.equal(install.code, 0, install.stderr);
    await start();
    assert.match(daemon!.log(), /uploads paused: the machine runs on battery/);
    const [bigdesk] = await waitForList(box.env, (all) => all[0]?.state === 'paused');
    assert.deepEqual(bigdesk!.pausedFor, ['battery']);
    const table = await runCli(['seeding', 'list'], box.env);
    assert.match(table.stdout, /^bigdesk\s+2\.0\s+.*\s+paused \(battery\)$/m);
    assert.match(table.stdout, /uploads paused \(battery\)$/m);
    // resume lifts a pause the user made, not the machine's.
    const resumed = await runCli(['seeding', 'resume', 'bigdesk'], box.env);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.stdout, 'Resumed bigdesk 2.0: paused (battery)\n');

    const peer = await RawPeer.connect(port());
    peer.handshake(bigdesk!.infoHash);
    assert.equal(await peer.handshakeAnswered(3000), false);
    assert.equal(peer.received.length, 0, 'no handshake, no bitfield: nothing');
    peer.destroy();
    // Written at start, once the sensors were read.
    const parsed = parseExposition(readFileSync(metrics, 'utf8'));
    assert.equal(valueOf(parsed, 'apt_torrent_seeder_running'), 1);
    assert.equal(valueOf(parsed, 'apt_torrent_uploads_paused', { reason: 'battery' }), 1);
    assert.equal(valueOf(parsed, 'apt_torrent_uploads_paused', { reason: 'metered' }), 0);
  });

  it('aria2 gets nothing while on battery, and the whole file once the charger is plugged in', async () => {
    const leech = aria2Leech(swarm.bareTorrent('bigdesk'), { stopTimeoutS: 60, timeoutMs: 90_000 });
    await sleep(5000);
    const starved = (await list(box.env))[0]!;
    assert.equal(starved.uploaded, 0);
    assert.equal(starved.state, 'paused');

    const pluggedAt = Date.now();
    sensors.laptop(true);
    await waitForList(box.env, (all) => all[0]?.state === 'seeding', 10_000);
    assert.match(daemon!.log(), /uploads resumed/);
    const { dir, code } = await leech;
    assert.equal(code, 0, 'aria2 completed');
    assert.equal(sha256(readFileSync(join(dir, swarm.debName('bigdesk')))), sha256(repo.bytes('bigdesk')));

    // The peer's last blocks are counted at the daemon's next tick.
    const size = repo.bytes('bigdesk').length;
    assert.ok(await poll(async () => (await stats()).totals.uploaded >= size, 5000, 200), 'counted');
    const numbers = await stats();
    const row = numbers.packages.find((item) => item.package === 'bigdesk')!;
    assert.ok(row.uploaded >= size && row.uploaded < size * 1.1, `uploaded ${row.uploaded} of ${size}`);
    assert.equal(numbers.totals.uploaded, row.uploaded);
    assert.equal(row.ratio, Number((row.uploaded / size).toFixed(3)));
    assert.deepEqual(numbers.uploadsPaused, []);
    assert.equal(row.state, 'seeding');
    const served = Date.parse(row.lastServed!);
    assert.ok(served >= pluggedAt - 1000 && served <= Date.now(), `last served ${row.lastServed}`);
    assert.equal(numbers.totals.lastServed, row.lastServed);

    const table = await runCli(['seeding', 'stats'], box.env);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^Uploads: running\nPACKAGE\s+VERSION\s+UPLOADED\s+RATIO\s+PEERS\s+STATE\s+LAST SERVED\nbigdesk\s+2\.0\s+3\.0 MiB\s+1\.\d\d\s+\d+\s+seeding\s+\d+ s ago\n/);
  });

  it('a peer is answered on mains (so the silence above was the pause)', async () => {
    const infoHash = (await list(box.env))[0]!.infoHash;
    const peer = await RawPeer.connect(port());
    peer.handshake(infoHash);
    assert.equal(await peer.handshakeAnswered(5000), true);
    peer.destroy();
  });

  it('the default route turning metered pauses uploads; unmetered again, they resume', async () => {
    sensors.metered('yes (guessed)');
    const [held] = await waitForList(box.env, (all) => all[0]?.state === 'paused', 10_000);
    assert.deepEqual(held!.pausedFor, ['metered']);
    assert.match(daemon!.log(), /uploads paused: the default route \(wlan0\) is a connection NetworkManager marks metered/);
    assert.match(readFileSync(join(sensors.dir, 'nmcli-calls'), 'utf8'), /^-t -f GENERAL\.METERED dev show wlan0$/m);
    const peer = await RawPeer.connect(port());
    peer.handshake(held!.infoHash);
    assert.equal(await peer.handshakeAnswered(2000), false);
    peer.destroy();
    sensors.metered('no');
    await waitForList(box.env, (all) => all[0]?.state === 'seeding', 10_000);
  });

  it('the Prometheus file agrees with seeding stats, says the daemon stopped, and last served survives a restart', async () => {
    const labels = { package: 'bigdesk', version: '2.0', architecture: 'all' };
    const before = (await stats()).packages[0]!;
    assert.equal(await daemon!.stop(), 0);
    const parsed = parseExposition(readFileSync(metrics, 'utf8'));
    assert.equal(valueOf(parsed, 'apt_torrent_seeder_running'), 0);
    assert.equal(valueOf(parsed, 'apt_torrent_uploaded_bytes_total', labels), before.uploaded);
    assert.equal(valueOf(parsed, 'apt_torrent_size_bytes', labels), repo.bytes('bigdesk').length);
    assert.equal(valueOf(parsed, 'apt_torrent_last_served_timestamp_seconds', labels), Math.floor(Date.parse(before.lastServed!) / 1000));

    await start();
    const again = (await stats()).packages[0]!;
    assert.equal(again.lastServed, before.lastServed);
    assert.equal(again.uploaded, before.uploaded);
    assert.equal(valueOf(parseExposition(readFileSync(metrics, 'utf8')), 'apt_torrent_seeder_running'), 1);
  });
});
