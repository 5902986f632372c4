import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readMetered } from '../../src/seed/metered.js';
import { readPowerSupplies } from '../../src/seed/power-supply.js';
import type { PauseReason } from '../../src/seed/protocol.js';
import { onBattery } from '../../src/seed/upload-gate.js';
import { sensorsFromEnv, UploadWatch } from '../../src/seed/upload-watch.js';
import { cleanEnv } from '../helpers/env.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { FakeSensors } from './helpers/sensors.js';

describe('the sources of truth, faked: sysfs, the routing table, nmcli', () => {
  const made: string[] = [];
  const fake = () => {
    const dir = tempDir('sensors');
    made.push(dir);
    return new FakeSensors(dir);
  };
  after(() => made.forEach(removeTempDir));

  it('reads each power supply\'s attributes; a missing tree is no supply at all', async () => {
    const sensors = fake();
    sensors.laptop(false);
    sensors.supply('broken', { online: '1' });
    const supplies = await readPowerSupplies(join(sensors.dir, 'sys'));
    assert.deepEqual(supplies, [
      { name: 'AC', type: 'Mains', online: false },
      { name: 'BAT0', type: 'Battery', status: 'Discharging', scope: 'System', present: true },
      { name: 'hidpp_battery_0', type: 'Battery', status: 'Discharging', scope: 'Device' },
    ]);
    assert.equal(onBattery(supplies), true);
    sensors.laptop(true);
    assert.equal(onBattery(await readPowerSupplies(join(sensors.dir, 'sys'))), false);
    assert.deepEqual(await readPowerSupplies(join(sensors.dir, 'no-sys')), []);
  });

  it('asks NetworkManager about the default route\'s device', async () => {
    const sensors = fake();
    sensors.route('wlan0');
    sensors.metered('yes (guessed)');
    const proc = join(sensors.dir, 'proc');
    const env = cleanEnv();
    assert.deepEqual(await readMetered(proc, sensors.nmcli, env), { metered: true, device: 'wlan0' });
    assert.equal(readFileSync(join(sensors.dir, 'nmcli-calls'), 'utf8'), '-t -f GENERAL.METERED dev show wlan0\n');
    sensors.metered('no');
    assert.deepEqual(await readMetered(proc, sensors.nmcli, env), { metered: false, device: 'wlan0' });
  });

  it('not metered when nmcli fails, is missing, or there is no default route (and then nmcli is not run)', async () => {
    const sensors = fake();
    const proc = join(sensors.dir, 'proc');
    const env = cleanEnv();
    sensors.route('eth0');
    sensors.metered('yes', 'wlan0');
    assert.deepEqual(await readMetered(proc, sensors.nmcli, env), { metered: false, device: 'eth0' }, 'nmcli: device not found, status 10');
    assert.deepEqual(await readMetered(proc, join(sensors.dir, 'no-nmcli'), env), { metered: false, device: 'eth0' });
    sensors.route('');
    const calls = readFileSync(join(sensors.dir, 'nmcli-calls'), 'utf8');
    assert.deepEqual(await readMetered(proc, sensors.nmcli, env), { metered: false });
    assert.equal(readFileSync(join(sensors.dir, 'nmcli-calls'), 'utf8'), calls);
    assert.deepEqual(await readMetered(join(sensors.dir, 'no-proc'), sensors.nmcli, env), { metered: false });
  });

  it('the watch applies and logs each change once, and reads nothing its keys turn off', async () => {
    const sensors = fake();
    sensors.laptop(false);
    sensors.route('wlan0');
    sensors.metered('yes');
    const applied: PauseReason[][] = [];
    const logged: string[] = [];
    const watch = (pauseOnMetered: boolean, pauseOnBattery: boolean) => new UploadWatch({ pauseOnMetered, pauseOnBattery }, sensorsFromEnv({ ...cleanEnv(), ...sensors.env() }), async (reasons) => {
      applied.push(reasons);
    }, (message) => logged.push(message));
    const both = watch(true, true);
    assert.deepEqual(await both.check(), ['metered', 'battery']);
    assert.deepEqual(await both.check(), ['metered', 'battery']);
    sensors.laptop(true);
    assert.deepEqual(await both.check(), ['metered']);
    sensors.metered('no');
    assert.deepEqual(await both.check(), []);
    assert.deepEqual(applied, [['metered', 'battery'], ['metered'], []]);
    assert.equal(logged.length, 3);
    assert.match(logged[0]!, /^uploads paused: the default route \(wlan0\) is a connection NetworkManager marks metered .*; the machine runs on battery/);
    assert.equal(logged[2], 'uploads resumed');

    sensors.laptop(false);
    sensors.metered('yes');
    const calls = readFileSync(join(sensors.dir, 'nmcli-calls'), 'utf8');
    assert.deepEqual(await watch(false, false).check(), []);
    assert.deepEqual(await watch(false, true).check(), ['battery']);
    assert.equal(readFileSync(join(sensors.dir, 'nmcli-calls'), 'utf8'), calls, 'nmcli not run with seed.pauseOnMetered off');
  });

  it('the environment moves the sources; without it they are the system\'s, checked every 30 s', () => {
    assert.deepEqual(sensorsFromEnv({}), { sys: '/sys', proc: '/proc', nmcli: 'nmcli', intervalMs: 30_000, env: {} });
    const env = { APT_TORRENT_SYS: '/x/sys', APT_TORRENT_PROC: '/x/proc', APT_TORRENT_NMCLI: '/x/nmcli', APT_TORRENT_CHECK_SECONDS: '0.5' };
    assert.deepEqual(sensorsFromEnv(env), { sys: '/x/sys', proc: '/x/proc', nmcli: '/x/nmcli', intervalMs: 500, env });
    assert.equal(sensorsFromEnv({ APT_TORRENT_CHECK_SECONDS: 'soon' }).intervalMs, 30_000);
  });
});
