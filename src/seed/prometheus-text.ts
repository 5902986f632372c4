/**
 * The seeder's numbers in Prometheus's text exposition format (version
 * 0.0.4, what node_exporter's textfile collector reads), pure. Each family
 * has its HELP and TYPE lines; label values are escaped as the format asks
 * (backslash, double quote, line feed).
 */
import type { SeedingStats } from './stats.js';
import { SEED_STATES } from './stats.js';
import { PAUSE_REASONS } from './upload-gate.js';

type Labels = Record<string, string>;

/**
 * A label value as the format writes it.
 * @example escapeLabel('a"b\\c\nd') === 'a\\"b\\\\c\\nd'
 */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text: backslash and line feed escaped. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function sample(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([key, text]) => `${key}="${escapeLabel(text)}"`);
  return `${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${Number.isFinite(value) ? value : 0}`;
}

function family(name: string, type: 'gauge' | 'counter', help: string, samples: Array<[Labels, number]>): string[] {
  if (samples.length === 0) return [];
  return [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`, ...samples.map(([labels, value]) => sample(name, labels, value))];
}

/** One row per package, version and architecture: the same .deb from two sources is one series, its numbers added up. */
interface Row {
  labels: Labels;
  size: number;
  uploaded: number;
  peers: number;
  /** Seconds since the epoch. */
  lastServed?: number;
}

function byPackage(stats: SeedingStats): Row[] {
  const rows = new Map<string, Row>();
  for (const item of stats.packages) {
    const labels = { package: item.package, version: item.version, architecture: item.architecture };
    const key = JSON.stringify(labels);
    const row: Row = rows.get(key) ?? { labels, size: 0, uploaded: 0, peers: 0 };
    row.size += item.size;
    row.uploaded += item.uploaded;
    row.peers += item.peers;
    const served = item.lastServed ? Date.parse(item.lastServed) / 1000 : undefined;
    if (served !== undefined && (row.lastServed === undefined || served > row.lastServed)) row.lastServed = served;
    rows.set(key, row);
  }
  return [...rows.values()];
}

/** The whole file: `running` false writes what the daemon leaves behind when it stops. */
export function prometheusText(stats: SeedingStats, running: boolean): string {
  const rows = byPackage(stats);
  const lines = [
    ...family('apt_torrent_seeder_running', 'gauge', 'Whether the apt-torrent seeding daemon runs (0 in the file it leaves when it stops).', [[{}, running ? 1 : 0]]),
    ...family('apt_torrent_uploads_paused', 'gauge', 'Whether uploads are paused for the whole machine, by reason (seed.pauseOnMetered, seed.pauseOnBattery).',
      PAUSE_REASONS.map((reason) => [{ reason }, stats.uploadsPaused.includes(reason) ? 1 : 0]),
    ),
    ...family('apt_torrent_seeded_files', 'gauge', 'Files in the seeding store, by state.', SEED_STATES.map((state) => [{ state }, stats.totals.states[state] ?? 0])),
    ...family('apt_torrent_seeded_bytes', 'gauge', 'Bytes of the files in the seeding store.', [[{}, stats.totals.size]]),
    ...family('apt_torrent_uploaded_bytes_total', 'counter', 'Bytes of a seeded package uploaded to peers since it entered the store (the series ends when it leaves).', rows.map((row) => [row.labels, row.uploaded])),
    ...family('apt_torrent_size_bytes', 'gauge', 'Size of a seeded package file.', rows.map((row) => [row.labels, row.size])),
    ...family('apt_torrent_peers', 'gauge', 'Peers connected now to a seeded package.', rows.map((row) => [row.labels, row.peers])),
    ...family('apt_torrent_last_served_timestamp_seconds', 'gauge', 'When a peer last got bytes of a seeded package, in seconds since the epoch (absent: never).',
      rows.filter((row) => row.lastServed !== undefined).map((row) => [row.labels, Math.floor(row.lastServed!)]),
    ),
  ];
  return `${lines.join('\n')}\n`;
}
