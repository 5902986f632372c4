/**
 * Popularity contest data in the `by_inst` format (popcon.debian.org), pure.
 * Lines look like
 *
 *     #rank name                            inst  vote   old recent no-files (maintainer)
 *     1     dpkg                           207011 194080  1227 11691    13 (Dpkg Developers)
 *
 * and the file ends with a dashed rule and a `Total` line. Columns are
 * separated by any run of spaces or tabs; the maintainer may contain spaces
 * or be missing. Only `name` and `inst` (machines that have it installed)
 * are used: installs are what drives downloads of new versions.
 */

export interface Popcon {
  /** Installs per binary package name. */
  installs: Map<string, number>;
  /** Lines that were neither comments nor data, with their number, for a warning. */
  skipped: Array<{ line: number; text: string }>;
}

/**
 * Parse a by_inst file. Never throws: odd lines are reported in `skipped`.
 * A name listed twice keeps its largest count (popcon merges architectures
 * that way too).
 * @example parsePopcon('1 dpkg 207011 194080 1227 11691 13 (Dpkg)').installs.get('dpkg') === 207011
 */
export function parsePopcon(text: string): Popcon {
  const installs = new Map<string, number>();
  const skipped: Popcon['skipped'] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    // The dashed rule before the totals ends the data.
    if (/^-{3,}$/.test(line)) break;
    const fields = line.split(/[ \t]+/);
    const [rank, name, inst] = fields;
    if (!rank || !/^\d+$/.test(rank) || !name || !inst || !/^\d+$/.test(inst) || !isPackageName(name)) {
      skipped.push({ line: index + 1, text: line.slice(0, 80) });
      continue;
    }
    const count = Number(inst);
    // A count past 2^53 is not a count (Number('9'.repeat(400)) is Infinity): it would outweigh every real one.
    if (!Number.isSafeInteger(count)) {
      skipped.push({ line: index + 1, text: line.slice(0, 80) });
      continue;
    }
    if (count > (installs.get(name) ?? -1)) installs.set(name, count);
  }
  return { installs, skipped };
}

/** Debian policy 5.6.1: lower case letters, digits, + - . ; at least two, starting alphanumeric. */
function isPackageName(name: string): boolean {
  return /^[a-z0-9][a-z0-9+.-]+$/.test(name);
}
