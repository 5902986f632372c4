/**
 * Whether the machine's default route goes over a connection NetworkManager
 * marks metered: the route's device from the kernel's routing tables, then
 * `nmcli -t -f GENERAL.METERED dev show DEVICE`. Without NetworkManager
 * (nmcli missing, or the service not running) nothing is metered: nothing
 * else on a Debian machine records which links cost money.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCapture } from '../util/run.js';
import { defaultRouteDevices, isMeteredAnswer } from './upload-gate.js';

export interface MeteredReading {
  metered: boolean;
  /** The metered device, or the default route's when none is. */
  device?: string;
}

/**
 * The routing tables are read through /proc/self/net: the daemon's unit
 * shows it only its own processes under /proc (ProcSubset=pid), which hides
 * /proc/net but not /proc/self/net.
 */
async function routeDevices(procRoot: string): Promise<string[]> {
  const read = (name: string) => readFile(join(procRoot, 'self/net', name), 'utf8').catch(() => '');
  const [ipv4, ipv6] = await Promise.all([read('route'), read('ipv6_route')]);
  return defaultRouteDevices(ipv4, ipv6);
}

/** Ask NetworkManager about one device; false for any failure (no nmcli, NetworkManager not running, device unmanaged). */
async function deviceMetered(nmcli: string, device: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    // Its words are translated otherwise.
    const result = await runCapture(nmcli, ['-t', '-f', 'GENERAL.METERED', 'dev', 'show', device], { env: { ...env, LC_ALL: 'C' }, timeoutMs: 5000, maxBytes: 4096 });
    return result.code === 0 && isMeteredAnswer(result.stdout);
  } catch {
    return false;
  }
}

/** Metered when any default route (IPv4 or IPv6) goes over a device NetworkManager marks metered. */
export async function readMetered(procRoot: string, nmcli: string, env: NodeJS.ProcessEnv = process.env): Promise<MeteredReading> {
  const devices = await routeDevices(procRoot);
  for (const device of devices) if (await deviceMetered(nmcli, device, env)) return { metered: true, device };
  return { metered: false, ...(devices[0] ? { device: devices[0] } : {}) };
}
