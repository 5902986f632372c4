/**
 * The coverage report of a selection: how many packages (and what share of
 * them) carry what share of the bytes and of the expected bandwidth. Pure:
 * `coverageReport` computes plain data (also written as JSON), and
 * `formatCoverage` turns it into the text `publish` prints.
 */
import { formatBytes } from '../util/size.js';
import type { RankedEntry, Selection, SelectionOptions } from './select.js';

/** Concentration rows: the top x% of packages in ranking order. */
const TOP_PERCENTS = [0.1, 1, 5, 10, 20, 50] as const;
/** How many of the largest chosen files the report names. */
const LARGEST_SHOWN = 10;

export interface CoverageReport {
  weighting: 'size' | 'popcon';
  share: number;
  minSize: number;
  shareReached: boolean;
  packages: { total: number; chosen: number; chosenPercent: number };
  bytes: { total: number; chosen: number; chosenPercent: number };
  bandwidth: { chosenPercent: number };
  /** Smallest chosen file, bytes; null when nothing was chosen. */
  smallestChosen: number | null;
  concentration: Array<{ topPercent: number; packages: number; bytesPercent: number; bandwidthPercent: number }>;
  largest: Array<{ package: string; version: string; architecture: string; size: number; installs?: number }>;
  popcon?: { withoutPopcon: number; popconOnly: number };
}

/** The report's data. */
export function coverageReport(selection: Selection, options: SelectionOptions): CoverageReport {
  const { ranked, chosen } = selection;
  const percent = (part: number, whole: number) => (whole === 0 ? 0 : round((100 * part) / whole));
  const concentration = TOP_PERCENTS.map((topPercent) => {
    const count = Math.max(1, Math.round((ranked.length * topPercent) / 100));
    const top = ranked.slice(0, count);
    return {
      topPercent,
      packages: top.length,
      bytesPercent: percent(sum(top, (item) => item.entry.size), selection.totalBytes),
      bandwidthPercent: percent(sum(top, (item) => item.bandwidth), selection.totalBandwidth),
    };
    // Small indexes round several rows to the same count: show each count once.
  }).filter((row, index, rows) => ranked.length > 0 && (index === 0 || row.packages !== rows[index - 1]!.packages));
  const largest = [...chosen].sort((a, b) => b.entry.size - a.entry.size).slice(0, LARGEST_SHOWN);
  return {
    weighting: options.installs ? 'popcon' : 'size',
    share: options.share,
    minSize: options.minSize,
    shareReached: selection.shareReached,
    packages: { total: ranked.length, chosen: chosen.length, chosenPercent: percent(chosen.length, ranked.length) },
    bytes: { total: selection.totalBytes, chosen: selection.chosenBytes, chosenPercent: percent(selection.chosenBytes, selection.totalBytes) },
    bandwidth: { chosenPercent: percent(selection.chosenBandwidth, selection.totalBandwidth) },
    smallestChosen: chosen.length === 0 ? null : chosen.reduce((least, item) => Math.min(least, item.entry.size), Infinity),
    concentration,
    largest: largest.map(({ entry, weight }) => ({
      package: entry.package,
      version: entry.version,
      architecture: entry.architecture,
      size: entry.size,
      ...(options.installs ? { installs: weight } : {}),
    })),
    ...(options.installs ? { popcon: { withoutPopcon: selection.withoutPopcon, popconOnly: selection.popconOnly } } : {}),
  };
}

/** The report as text for a terminal or a log. */
export function formatCoverage(report: CoverageReport): string {
  const lines: string[] = [];
  const pct = (value: number) => `${value.toFixed(1)}%`;
  const weighting = report.weighting === 'popcon' ? 'size x popcon installs' : 'size alone (no popcon data)';
  lines.push(`Selection by expected bandwidth = ${weighting}; share ${report.share}, min size ${formatBytes(report.minSize)}`);
  lines.push(
    `Chosen: ${count(report.packages.chosen)} of ${count(report.packages.total)} packages (${pct(report.packages.chosenPercent)})`
      + ` carry ${formatBytes(report.bytes.chosen)} of ${formatBytes(report.bytes.total)}`
      + ` (${pct(report.bytes.chosenPercent)} of bytes, ${pct(report.bandwidth.chosenPercent)} of expected bandwidth)`,
  );
  if (report.smallestChosen !== null) lines.push(`Smallest chosen file: ${formatBytes(report.smallestChosen)}`);
  if (!report.shareReached) lines.push(`Note: share ${report.share} not reached: files under ${formatBytes(report.minSize)} are never chosen`);
  if (report.popcon) {
    lines.push(`Popcon: ${count(report.popcon.withoutPopcon)} packages of the index have no popcon entry (weight 0); ${count(report.popcon.popconOnly)} popcon names are not in the index`);
  }
  if (report.concentration.length > 0) {
    lines.push('Concentration (packages ranked by expected bandwidth):');
    for (const row of report.concentration) {
      lines.push(`  top ${`${row.topPercent}%`.padEnd(5)} ${count(row.packages).padStart(7)} packages  ${pct(row.bytesPercent).padStart(6)} of bytes  ${pct(row.bandwidthPercent).padStart(6)} of bandwidth`);
    }
  }
  if (report.largest.length > 0) {
    lines.push('Largest chosen:');
    for (const item of report.largest) {
      const installs = item.installs === undefined ? '' : `  (${count(item.installs)} installs)`;
      lines.push(`  ${formatBytes(item.size).padStart(9)}  ${item.package} ${item.version} ${item.architecture}${installs}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function sum(items: readonly RankedEntry[], of: (item: RankedEntry) => number): number {
  return items.reduce((total, item) => total + of(item), 0);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
