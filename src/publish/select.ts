/**
 * Which files are worth a torrent. Pure: index entries (+ popularity) in,
 * a selection and its coverage numbers out.
 *
 * Expected bandwidth of a package = its size x its popularity (installs from
 * popcon when given; otherwise every package weighs 1, so size alone).
 * Packages are ranked by expected bandwidth and taken in that order until
 * `share` of the total expected bandwidth is covered; packages smaller than
 * `minSize` are passed over (a torrent's overhead is not worth it for them)
 * but still count in the total, so a high `minSize` shows up in the report
 * as a share that could not be reached rather than as a silently smaller total.
 */
import type { PackageEntry } from '../apt/packages.js';

export interface SelectionOptions {
  /** Fraction of the total expected bandwidth to cover, 0..1. */
  share: number;
  /** Files below this many bytes are never chosen. */
  minSize: number;
  /** Installs per package name; undefined means "weigh by size alone". */
  installs?: ReadonlyMap<string, number>;
}

export interface RankedEntry {
  entry: PackageEntry;
  /** Installs used as the weight (1 without popcon, 0 for a package popcon does not know). */
  weight: number;
  /** size x weight */
  bandwidth: number;
}

export interface Selection {
  /** Every distinct file, best first. */
  ranked: RankedEntry[];
  /** The chosen files, in ranking order. */
  chosen: RankedEntry[];
  totalBytes: number;
  totalBandwidth: number;
  chosenBytes: number;
  chosenBandwidth: number;
  /** False when `minSize` left too little to reach `share`. */
  shareReached: boolean;
  /** Packages of the index missing from popcon (weight 0); 0 without popcon. */
  withoutPopcon: number;
  /** Popcon names with no package in the index (other suites, removed packages). */
  popconOnly: number;
}

/**
 * Rank and choose.
 * @example selectFiles(entries, { share: 0.9, minSize: 0 }).chosen.map((r) => r.entry.package)
 */
export function selectFiles(entries: readonly PackageEntry[], options: SelectionOptions): Selection {
  const ranked = distinctFiles(entries).map((entry) => {
    const weight = options.installs ? options.installs.get(entry.package) ?? 0 : 1;
    return { entry, weight, bandwidth: entry.size * weight };
  });
  ranked.sort(byBandwidth);

  // Summed in ranking order, so with share 1 the running sum meets the total exactly.
  const totalBandwidth = ranked.reduce((sum, item) => sum + item.bandwidth, 0);
  const totalBytes = ranked.reduce((sum, item) => sum + item.entry.size, 0);
  const target = options.share * totalBandwidth;
  const chosen: RankedEntry[] = [];
  let chosenBandwidth = 0;
  let chosenBytes = 0;
  for (const item of ranked) {
    if (chosenBandwidth >= target) break;
    // Weight 0 (no installs known) means no downloads expected: not worth a torrent.
    if (item.entry.size < options.minSize || item.bandwidth === 0) continue;
    chosen.push(item);
    chosenBandwidth += item.bandwidth;
    chosenBytes += item.entry.size;
  }

  const names = new Set(ranked.map((item) => item.entry.package));
  let popconOnly = 0;
  for (const name of options.installs?.keys() ?? []) if (!names.has(name)) popconOnly += 1;
  return {
    ranked,
    chosen,
    totalBytes,
    totalBandwidth,
    chosenBytes,
    chosenBandwidth,
    shareReached: chosenBandwidth >= target,
    withoutPopcon: options.installs ? ranked.filter((item) => !options.installs!.has(item.entry.package)).length : 0,
    popconOnly,
  };
}

/**
 * One entry per pool file: an `Architecture: all` package is listed in the
 * index of every architecture (and in binary-all), but it is one file.
 */
export function distinctFiles(entries: readonly PackageEntry[]): PackageEntry[] {
  const seen = new Map<string, PackageEntry>();
  for (const entry of entries) if (!seen.has(entry.filename)) seen.set(entry.filename, entry);
  return [...seen.values()];
}

/** Bandwidth, then size, then path: a total order, so the same index always gives the same picks. */
function byBandwidth(a: RankedEntry, b: RankedEntry): number {
  return b.bandwidth - a.bandwidth || b.entry.size - a.entry.size || (a.entry.filename < b.entry.filename ? -1 : a.entry.filename > b.entry.filename ? 1 : 0);
}
