import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The sources of truth the seeding daemon reads to decide whether to
 * upload, faked in a directory: a sysfs tree of power supplies, a procfs tree
 * with the routing tables, and an `nmcli` that answers GENERAL.METERED from
 * a file (and notes each call's arguments). Point the daemon at them with
 * env() (APT_TORRENT_SYS, APT_TORRENT_PROC, APT_TORRENT_NMCLI).
 */
export class FakeSensors {
  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'sys/class/power_supply'), { recursive: true });
    mkdirSync(join(dir, 'proc/self/net'), { recursive: true });
    this.route('');
    writeFileSync(join(dir, 'proc/self/net/ipv6_route'), '');
    this.metered('no');
    // Terse mode prints the field as NetworkManager's D-Bus API has it; the device is $6.
    writeFileSync(this.nmcli, `#!/bin/sh\necho "$*" >> '${join(dir, 'nmcli-calls')}'\n[ "$6" = "$(cat '${join(dir, 'nm-device')}')" ] || { echo "Error: Device '$6' not found." >&2; exit 10; }\necho "GENERAL.METERED:$(cat '${join(dir, 'nm-metered')}')"\n`);
    chmodSync(this.nmcli, 0o755);
  }

  get nmcli(): string {
    return join(this.dir, 'nmcli');
  }

  /** A supply with these attributes, as files (`type`, `online`, `status`, ...). */
  supply(name: string, attributes: Record<string, string>): void {
    const dir = join(this.dir, 'sys/class/power_supply', name);
    mkdirSync(dir, { recursive: true });
    for (const [key, value] of Object.entries(attributes)) writeFileSync(join(dir, key), `${value}\n`);
  }

  /** A laptop: its battery, a mouse's, and the charger, plugged in or not. */
  laptop(onMains: boolean): void {
    this.supply('BAT0', { type: 'Battery', status: onMains ? 'Charging' : 'Discharging', present: '1', scope: 'System', capacity: '80' });
    this.supply('hidpp_battery_0', { type: 'Battery', status: 'Discharging', scope: 'Device' });
    this.supply('AC', { type: 'Mains', online: onMains ? '1' : '0' });
  }

  /** The IPv4 routing table with a default route over `device` (none for ''), as /proc/net/route writes it. */
  route(device: string): void {
    const lines = ['Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT'];
    if (device) lines.push(`${device}\t00000000\t0102A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0`, `${device}\t0002A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0`);
    writeFileSync(join(this.dir, 'proc/self/net/route'), `${lines.join('\n')}\n`);
  }

  /** What the fake nmcli says of `device` (other devices: not found). */
  metered(answer: string, device = 'wlan0'): void {
    writeFileSync(join(this.dir, 'nm-metered'), answer);
    writeFileSync(join(this.dir, 'nm-device'), device);
  }

  env(): NodeJS.ProcessEnv {
    return { APT_TORRENT_SYS: join(this.dir, 'sys'), APT_TORRENT_PROC: join(this.dir, 'proc'), APT_TORRENT_NMCLI: this.nmcli };
  }
}
