/**
 * Whether the seeding daemon may upload at all, pure: from what the machine's
 * power supplies and its default route say (read by power-supply.ts and
 * metered.ts) and the config, the reasons uploads are paused now. Paused
 * means no torrent is running: no peer gets a byte, and no tracker is told
 * this machine has the file (a leecher sent here would only wait in vain).
 */
import type { PauseReason, SeedState, TorrentView } from './protocol.js';

export type { PauseReason };

export const PAUSE_REASONS: readonly PauseReason[] = ['metered', 'battery'];

/** One entry of /sys/class/power_supply, as far as its attributes could be read. */
export interface PowerSupply {
  name: string;
  /** `Battery`, `UPS`, `Mains`, `USB`, `Wireless`...: the kernel's `type`. */
  type: string;
  /** `online`: an external supply delivers power. */
  online?: boolean;
  /** A battery's `status`: `Charging`, `Discharging`, `Full`, `Not charging`, `Unknown`. */
  status?: string;
  /** `Device` for the battery of a mouse, keyboard or headset, which says nothing about this machine's power. */
  scope?: string;
  /** `present`: 0 for an empty battery bay. */
  present?: boolean;
}

/**
 * On battery: this machine has a battery and no external supply (mains,
 * USB, wireless charger) delivers power, seen either as a battery
 * discharging or as every external supply offline. A machine without a
 * battery (a desktop, a server, a VM) is never on battery; peripherals'
 * batteries (scope Device) do not count. A UPS counts as a battery: a desktop
 * running from one in a power cut is on battery.
 * @example onBattery([{ name: 'BAT0', type: 'Battery', status: 'Discharging' }, { name: 'AC', type: 'Mains', online: false }]) === true
 */
export function onBattery(supplies: readonly PowerSupply[]): boolean {
  const own = supplies.filter((supply) => supply.scope?.toLowerCase() !== 'device');
  const isBattery = (supply: PowerSupply) => supply.type === 'Battery' || supply.type === 'UPS';
  const batteries = own.filter((supply) => isBattery(supply) && supply.present !== false);
  const external = own.filter((supply) => !isBattery(supply));
  if (batteries.length === 0 || external.some((supply) => supply.online === true)) return false;
  if (batteries.some((supply) => supply.status === 'Discharging')) return true;
  // Some firmware says `Unknown` or `Not charging` for a battery that runs the machine; an offline charger says more.
  return external.length > 0 && external.every((supply) => supply.online === false);
}

const RTF_UP = 0x1;
const RTF_REJECT = 0x200;

/**
 * The network devices of the default routes, from /proc/self/net/route
 * (IPv4) and /proc/self/net/ipv6_route: per family the usable default route
 * with the lowest metric, as the kernel picks it. Unreadable text gives none.
 * @example defaultRouteDevices('Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\nwlan0\t00000000\t0102A8C0\t0003\t0\t0\t600\t00000000\n', '') // ['wlan0']
 */
export function defaultRouteDevices(ipv4: string, ipv6: string): string[] {
  const best = (routes: Array<{ device: string; metric: number }>) => routes.sort((a, b) => a.metric - b.metric)[0]?.device;
  const v4 = ipv4.split('\n').slice(1).map((line) => line.trim().split(/\s+/)).filter((fields) => fields.length >= 8)
    .filter(([, destination, , flags, , , , mask]) => destination === '00000000' && mask === '00000000' && (parseInt(flags!, 16) & RTF_UP) !== 0)
    .map((fields) => ({ device: fields[0]!, metric: Number(fields[6]) }));
  const v6 = ipv6.split('\n').map((line) => line.trim().split(/\s+/)).filter((fields) => fields.length >= 10)
    .filter(([destination, prefix, , , , , , , flags, device]) => /^0{32}$/.test(destination!) && prefix === '00' && device !== 'lo' && (parseInt(flags!, 16) & (RTF_UP | RTF_REJECT)) === RTF_UP)
    .map((fields) => ({ device: fields[9]!, metric: parseInt(fields[5]!, 16) }));
  return [...new Set([best(v4), best(v6)].filter((device): device is string => device !== undefined))];
}

/**
 * What `nmcli -t -f GENERAL.METERED dev show DEVICE` printed, read: metered
 * for `yes` and `yes (guessed)` (NetworkManager guesses from a phone's
 * tethering, say), not for `no`, `no (guessed)` or `unknown`.
 * @example isMeteredAnswer('GENERAL.METERED:yes (guessed)\n') === true
 */
export function isMeteredAnswer(stdout: string): boolean {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith('GENERAL.METERED:'));
  return line !== undefined && /^yes\b/.test(line.slice('GENERAL.METERED:'.length).trim());
}

export interface GateConfig {
  pauseOnMetered: boolean;
  pauseOnBattery: boolean;
}

/** The reasons uploads are paused, from what was read and what the config asks for. */
export function pauseReasons(readings: { metered: boolean; battery: boolean }, config: GateConfig): PauseReason[] {
  const reasons: PauseReason[] = [];
  if (config.pauseOnMetered && readings.metered) reasons.push('metered');
  if (config.pauseOnBattery && readings.battery) reasons.push('battery');
  return reasons;
}

/** A running or waiting torrent shown as paused while uploads are paused, with why; others as they are. */
export function heldView(view: TorrentView, reasons: readonly PauseReason[]): TorrentView {
  const held: SeedState[] = ['seeding'];
  if (reasons.length === 0 || !held.includes(view.state)) return view;
  return { ...view, state: 'paused', pausedFor: [...reasons] };
}

/**
 * A state as `seeding list` and `seeding stats` print it: `paused (battery)`.
 * @example stateLabel({ state: 'paused', pausedFor: ['metered'] }) === 'paused (metered)'
 */
export function stateLabel(view: Pick<TorrentView, 'state' | 'pausedFor'>): string {
  return view.pausedFor && view.pausedFor.length > 0 ? `${view.state} (${view.pausedFor.join(', ')})` : view.state;
}

/** What the daemon logs when uploads pause or resume. */
export function describeReasons(reasons: readonly PauseReason[], details: { device?: string }): string {
  if (reasons.length === 0) return 'uploads resumed';
  const parts = reasons.map((reason) => (reason === 'battery'
    ? 'the machine runs on battery (seed.pauseOnBattery)'
    : `the default route${details.device ? ` (${details.device})` : ''} is a connection NetworkManager marks metered (seed.pauseOnMetered)`));
  return `uploads paused: ${parts.join('; ')}`;
}
