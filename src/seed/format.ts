/** How `seeding list` and `clean` print what they found. Pure. */
import { formatBytes } from '../util/size.js';
import type { CleanDecision } from './clean-policy.js';
import type { PauseReason, RemovedView, TorrentView } from './protocol.js';
import { stateLabel } from './upload-gate.js';

/**
 * The table of `seeding list`.
 * @example listTable([]) === 'Nothing is seeded.\n'
 */
export function listTable(torrents: readonly TorrentView[], uploadsPaused: readonly PauseReason[] = []): string {
  if (torrents.length === 0) return 'Nothing is seeded.\n';
  const header = ['PACKAGE', 'VERSION', 'SIZE', 'UPLOADED', 'RATIO', 'PEERS', 'STATE'];
  const rows = torrents.map((torrent) => [
    torrent.package, torrent.version, formatBytes(torrent.size), formatBytes(torrent.uploaded), torrent.ratio.toFixed(2), String(torrent.peers), stateLabel(torrent),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  // Names and versions left-aligned, numbers right-aligned, as apt prints them.
  const right = new Set([2, 3, 4, 5]);
  const line = (cells: string[]) => cells.map((cell, column) => (right.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  const size = torrents.reduce((sum, torrent) => sum + torrent.size, 0);
  const uploaded = torrents.reduce((sum, torrent) => sum + torrent.uploaded, 0);
  const paused = uploadsPaused.length > 0 ? `; uploads paused (${uploadsPaused.join(', ')})` : '';
  const footer = `${torrents.length} file${torrents.length === 1 ? '' : 's'}, ${formatBytes(size)}; ${formatBytes(uploaded)} uploaded${paused}`;
  return `${[line(header), ...rows.map(line)].join('\n')}\n${footer}\n`;
}

/** One package name per line, each once: what the shell completions offer. */
export function listNames(torrents: readonly TorrentView[]): string {
  return [...new Set(torrents.map((torrent) => torrent.package))].map((name) => `${name}\n`).join('');
}

/** What `clean` says: each file removed (or that would be), with why, and the disk freed. */
export function cleanReport(decision: CleanDecision, removed: readonly RemovedView[], dryRun: boolean): string[] {
  if (dryRun) {
    return [
      ...decision.remove.map(({ facts, reason }) => `Would remove ${facts.package} ${facts.version} (${formatBytes(facts.size)}): ${reason}`),
      `${decision.remove.length} of ${decision.remove.length + decision.keep.length} seeded file(s) would be removed (dry run: nothing changed)`,
    ];
  }
  const reasons = new Map(decision.remove.map(({ facts, reason }) => [facts.infoHash, reason]));
  const freed = removed.reduce((sum, item) => sum + item.freed, 0);
  return [
    ...removed.map((item) => `Removed ${item.package} ${item.version} (${formatBytes(item.size)}, ${formatBytes(item.freed)} freed${item.freed === 0 ? ': APT\'s archive cache still holds it' : ''}): ${reasons.get(item.infoHash) ?? 'removed'}`),
    `Removed ${removed.length} seeded file(s), ${formatBytes(freed)} freed; ${decision.keep.length} still seeded`,
  ];
}
