import { realpath } from 'node:fs/promises';
import { sep } from 'node:path';

/**
 * The real path of `path` when it exists and lies inside `realRoot` (itself
 * a real path), after following every symlink; undefined when it does not
 * exist. A symlink in the archive that points outside it is refused with
 * `outside: true`, so `serve` never hands out /etc through a planted link.
 */
export async function realInside(realRoot: string, path: string): Promise<{ real?: string; outside: boolean }> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return { outside: false };
  }
  const inside = real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
  return inside ? { real, outside: false } : { outside: true };
}
