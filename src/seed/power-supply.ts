/**
 * Reads the machine's power supplies from sysfs (`<sys>/class/power_supply`,
 * one directory per supply with one attribute per file). What the readings
 * mean is upload-gate.ts's business (onBattery).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PowerSupply } from './upload-gate.js';

/** An attribute's text, trimmed; undefined when the file is absent or cannot be read (some need privileges, some drivers error out). */
async function attribute(dir: string, name: string): Promise<string | undefined> {
  try {
    return (await readFile(join(dir, name), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** `1`/`0` as the kernel writes a boolean attribute. */
function bool(text: string | undefined): boolean | undefined {
  return text === '1' ? true : text === '0' ? false : undefined;
}

/**
 * Every power supply under `<sysRoot>/class/power_supply`; none when the
 * directory is missing (a VM, a container without sysfs). An entry without
 * a readable `type` is left out.
 */
export async function readPowerSupplies(sysRoot: string): Promise<PowerSupply[]> {
  const base = join(sysRoot, 'class/power_supply');
  const names = await readdir(base).catch(() => [] as string[]);
  const supplies = await Promise.all(names.sort().map(async (name): Promise<PowerSupply | undefined> => {
    const dir = join(base, name);
    const [type, online, status, scope, present] = await Promise.all(['type', 'online', 'status', 'scope', 'present'].map((attr) => attribute(dir, attr)));
    if (!type) return undefined;
    return {
      name,
      type,
      ...(bool(online) !== undefined ? { online: bool(online) } : {}),
      ...(status ? { status } : {}),
      ...(scope ? { scope } : {}),
      ...(bool(present) !== undefined ? { present: bool(present) } : {}),
    };
  }));
  return supplies.filter((supply): supply is PowerSupply => supply !== undefined);
}
