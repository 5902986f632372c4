import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TorrentView } from '../../src/seed/protocol.js';
import { defaultRouteDevices, describeReasons, heldView, isMeteredAnswer, onBattery, pauseReasons, stateLabel, type PowerSupply } from '../../src/seed/upload-gate.js';

const battery = (status: string, more: Partial<PowerSupply> = {}): PowerSupply => ({ name: 'BAT0', type: 'Battery', status, present: true, scope: 'System', ...more });
const mains = (online: boolean): PowerSupply => ({ name: 'AC', type: 'Mains', online });

describe('on battery', () => {
  it('a laptop unplugged is; plugged in, charging or not, it is not', () => {
    assert.equal(onBattery([battery('Discharging'), mains(false)]), true);
    assert.equal(onBattery([battery('Charging'), mains(true)]), false);
    assert.equal(onBattery([battery('Full'), mains(true)]), false);
    // Under heavy load a battery can discharge while the charger is in: still on mains.
    assert.equal(onBattery([battery('Discharging'), mains(true)]), false);
  });

  it('a charger offline counts even when the firmware says Unknown or Not charging', () => {
    assert.equal(onBattery([battery('Unknown'), mains(false)]), true);
    assert.equal(onBattery([battery('Not charging'), mains(false), { name: 'ucsi-source-psy-USBC000:001', type: 'USB', online: false }]), true);
  });

  it('a USB-C charger online is mains too', () => {
    assert.equal(onBattery([battery('Charging'), mains(false), { name: 'ucsi-source-psy-USBC000:001', type: 'USB', online: true }]), false);
  });

  it('no battery (desktop, server, VM), or only a mouse\'s or a headset\'s, is never on battery', () => {
    assert.equal(onBattery([]), false);
    assert.equal(onBattery([mains(false)]), false);
    assert.equal(onBattery([{ name: 'hidpp_battery_0', type: 'Battery', status: 'Discharging', scope: 'Device' }, mains(false)]), false);
    assert.equal(onBattery([{ name: 'hidpp_battery_0', type: 'Battery', status: 'Discharging', scope: 'Device' }]), false);
  });

  it('an empty battery bay does not count', () => {
    assert.equal(onBattery([battery('Unknown', { present: false }), mains(false)]), false);
  });

  it('a battery with no charger known: only Discharging says so', () => {
    assert.equal(onBattery([battery('Discharging')]), true);
    assert.equal(onBattery([battery('Full')]), false);
  });

  it('a desktop on a UPS in a power cut is on battery; on line power it is not', () => {
    assert.equal(onBattery([{ name: 'ups', type: 'UPS', status: 'Discharging', online: false }]), true);
    assert.equal(onBattery([{ name: 'ups', type: 'UPS', status: 'Full', online: true }]), false);
  });
});

describe('default route devices', () => {
  const header = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT';
  const v4 = (device: string, destination: string, flags: string, metric: number, mask: string) => `${device}\t${destination}\t0102A8C0\t${flags}\t0\t0\t${metric}\t${mask}\t0\t0\t0`;

  it('IPv4: the default route with the lowest metric, as the kernel writes /proc/net/route', () => {
    const text = [header, v4('wlan0', '00000000', '0003', 600, '00000000'), v4('eth0', '00000000', '0003', 100, '00000000'), v4('eth0', '0002A8C0', '0001', 100, '00FFFFFF'), ''].join('\n');
    assert.deepEqual(defaultRouteDevices(text, ''), ['eth0']);
  });

  it('a route that is down, or a subnet route, is no default route', () => {
    assert.deepEqual(defaultRouteDevices([header, v4('wlan0', '00000000', '0002', 0, '00000000'), v4('eth0', '0002A8C0', '0001', 0, '00FFFFFF')].join('\n'), ''), []);
  });

  it('IPv6: the default route, not the kernel\'s unreachable one on lo', () => {
    const zero = '0'.repeat(32);
    const v6 = [
      `fd000000000000000000000000000000 40 ${zero} 00 ${zero} 00000100 00000001 00000000 00000001     eth0`,
      `${zero} 00 ${zero} 00 fe800000000000000000000000000001 00000400 00000002 00000000 00000003   wwan0`,
      `${zero} 00 ${zero} 00 ${zero} ffffffff 00000001 00000000 00200200       lo`,
    ].join('\n');
    assert.deepEqual(defaultRouteDevices(header, v6), ['wwan0']);
    assert.deepEqual(defaultRouteDevices([header, v4('wlan0', '00000000', '0003', 600, '00000000')].join('\n'), v6), ['wlan0', 'wwan0']);
    assert.deepEqual(defaultRouteDevices([header, v4('wwan0', '00000000', '0003', 600, '00000000')].join('\n'), v6), ['wwan0']);
  });

  it('garbage gives nothing, never an exception', () => {
    assert.deepEqual(defaultRouteDevices('', ''), []);
    assert.deepEqual(defaultRouteDevices('\0\n\t\t\n00000000', 'x y z'), []);
  });
});

describe('nmcli\'s answer', () => {
  it('yes and yes (guessed) are metered; no, no (guessed), unknown and anything else are not', () => {
    assert.equal(isMeteredAnswer('GENERAL.METERED:yes\n'), true);
    assert.equal(isMeteredAnswer('GENERAL.METERED:yes (guessed)\n'), true);
    assert.equal(isMeteredAnswer('GENERAL.METERED:no\n'), false);
    assert.equal(isMeteredAnswer('GENERAL.METERED:no (guessed)\n'), false);
    assert.equal(isMeteredAnswer('GENERAL.METERED:unknown\n'), false);
    assert.equal(isMeteredAnswer('Error: Device \'wlan0\' not found.\n'), false);
    assert.equal(isMeteredAnswer(''), false);
    assert.equal(isMeteredAnswer('GENERAL.METERED:yessir\n'), false);
  });
});

describe('pause reasons', () => {
  it('each reason only when its key is on', () => {
    const both = { metered: true, battery: true };
    assert.deepEqual(pauseReasons(both, { pauseOnMetered: true, pauseOnBattery: true }), ['metered', 'battery']);
    assert.deepEqual(pauseReasons(both, { pauseOnMetered: false, pauseOnBattery: true }), ['battery']);
    assert.deepEqual(pauseReasons(both, { pauseOnMetered: true, pauseOnBattery: false }), ['metered']);
    assert.deepEqual(pauseReasons({ metered: false, battery: false }, { pauseOnMetered: true, pauseOnBattery: true }), []);
  });

  it('says what paused uploads, and names the device', () => {
    assert.equal(describeReasons([], {}), 'uploads resumed');
    assert.match(describeReasons(['metered'], { device: 'wlan0' }), /^uploads paused: the default route \(wlan0\) is a connection NetworkManager marks metered/);
    assert.match(describeReasons(['metered', 'battery'], {}), /metered .*; the machine runs on battery/);
  });
});

describe('a torrent\'s view while uploads are paused', () => {
  const view = (state: TorrentView['state']): TorrentView => ({
    package: 'bigdata', version: '1.0', architecture: 'all', infoHash: 'a'.repeat(40), name: 'bigdata.deb', size: 10, uploaded: 0, ratio: 0, peers: 0, state, seedSeconds: 0, addedAt: '',
  });

  it('seeding shows as paused with why; checking, idle and paused by the user stay as they are', () => {
    assert.deepEqual(heldView(view('seeding'), ['battery']), { ...view('seeding'), state: 'paused', pausedFor: ['battery'] });
    assert.equal(heldView(view('seeding'), ['metered', 'battery']).state, 'paused');
    for (const state of ['checking', 'idle', 'paused'] as const) assert.deepEqual(heldView(view(state), ['battery']), view(state));
    assert.deepEqual(heldView(view('seeding'), []), view('seeding'));
  });

  it('its label names the reasons', () => {
    assert.equal(stateLabel({ state: 'paused', pausedFor: ['metered', 'battery'] }), 'paused (metered, battery)');
    assert.equal(stateLabel({ state: 'paused' }), 'paused');
    assert.equal(stateLabel({ state: 'seeding' }), 'seeding');
  });
});
