/**
 * The numbers of `seeding stats` and of the Prometheus file, pure: totals
 * over every seeded file and one row per file, from what the daemon lists.
 */
import { formatBytes } from '../util/size.js';
import type { PauseReason, SeedState, TorrentView } from './protocol.js';
import { stateLabel } from './upload-gate.js';

export const SEED_STATES: readonly SeedState[] = ['seeding', 'checking', 'paused', 'idle'];

export interface PackageStats {
  package: string;
  version: string;
  architecture: string;
  infoHash: string;
  size: number;
  /** Bytes uploaded over the file's whole life in the store, across restarts. */
  uploaded: number;
  ratio: number;
  peers: number;
  state: SeedState;
  pausedFor?: PauseReason[];
  /** ISO 8601; absent: never. */
  lastServed?: string;
  seedSeconds: number;
}

export interface SeedingStats {
  /** Why uploads are paused for the whole machine; empty while they run. */
  uploadsPaused: PauseReason[];
  totals: {
    files: number;
    size: number;
    uploaded: number;
    /** uploaded / size over all files. */
    ratio: number;
    peers: number;
    /** Files in each state, every state named. */
    states: Record<SeedState, number>;
    lastServed?: string;
  };
  packages: PackageStats[];
}

/** Totals and rows from `list`'s torrents. */
export function seedingStats(torrents: readonly TorrentView[], uploadsPaused: readonly PauseReason[]): SeedingStats {
  const states = Object.fromEntries(SEED_STATES.map((state) => [state, 0])) as Record<SeedState, number>;
  for (const torrent of torrents) states[torrent.state] = (states[torrent.state] ?? 0) + 1;
  const size = torrents.reduce((sum, torrent) => sum + torrent.size, 0);
  const uploaded = torrents.reduce((sum, torrent) => sum + torrent.uploaded, 0);
  // ISO 8601 in UTC sorts as time does.
  const lastServed = torrents.map((torrent) => torrent.lastServed).filter((time): time is string => time !== undefined).sort().pop();
  return {
    uploadsPaused: [...uploadsPaused],
    totals: {
      files: torrents.length,
      size,
      uploaded,
      ratio: size > 0 ? Number((uploaded / size).toFixed(3)) : 0,
      peers: torrents.reduce((sum, torrent) => sum + torrent.peers, 0),
      states,
      ...(lastServed ? { lastServed } : {}),
    },
    packages: torrents.map((torrent) => ({
      package: torrent.package,
      version: torrent.version,
      architecture: torrent.architecture,
      infoHash: torrent.infoHash,
      size: torrent.size,
      uploaded: torrent.uploaded,
      ratio: torrent.ratio,
      peers: torrent.peers,
      state: torrent.state,
      ...(torrent.pausedFor ? { pausedFor: torrent.pausedFor } : {}),
      ...(torrent.lastServed ? { lastServed: torrent.lastServed } : {}),
      seedSeconds: torrent.seedSeconds,
    })),
  };
}

/**
 * How long ago, as a person reads it: `never`, `12 s ago`, `5 min ago`, `3 h ago`, `4 d ago`.
 * @example ago('2026-01-01T00:00:00.000Z', Date.parse('2026-01-01T00:05:00Z')) === '5 min ago'
 */
export function ago(time: string | undefined, now: number): string {
  if (!time) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(time)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/** What `seeding stats` prints: whether uploads run, one row per file, the totals. */
export function statsTable(stats: SeedingStats, now: number): string {
  const uploads = stats.uploadsPaused.length > 0 ? `paused (${stats.uploadsPaused.join(', ')})` : 'running';
  const { totals } = stats;
  const lines = [`Uploads: ${uploads}`];
  if (stats.packages.length > 0) {
    const header = ['PACKAGE', 'VERSION', 'UPLOADED', 'RATIO', 'PEERS', 'STATE', 'LAST SERVED'];
    const rows = stats.packages.map((row) => [row.package, row.version, formatBytes(row.uploaded), row.ratio.toFixed(2), String(row.peers), stateLabel(row), ago(row.lastServed, now)]);
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
    const right = new Set([2, 3, 4]);
    const line = (cells: string[]) => cells.map((cell, column) => (right.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
    lines.push(line(header), ...rows.map(line));
  }
  const states = Object.entries(totals.states).filter(([, count]) => count > 0).map(([state, count]) => `${count} ${state}`);
  lines.push(
    `Total: ${totals.files} file${totals.files === 1 ? '' : 's'}, ${formatBytes(totals.size)}; ${formatBytes(totals.uploaded)} uploaded (ratio ${totals.ratio.toFixed(2)}); ${totals.peers} peer${totals.peers === 1 ? '' : 's'}; last served ${ago(totals.lastServed, now)}`,
    `States: ${states.length > 0 ? states.join(', ') : 'nothing seeded'}`,
  );
  return `${lines.join('\n')}\n`;
}
