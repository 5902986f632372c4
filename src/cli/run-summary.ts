import type { ReportLine } from '../config/method-options.js';
import type { DownloadSummary } from '../fetch/download-all.js';

/** Most report lines read from one run: far more .debs than any upgrade fetches. */
const MAX_LINES = 100_000;

/** The report lines that are what the method writes; anything else is skipped. Pure. */
export function parseReport(text: string): ReportLine[] {
  const lines: ReportLine[] = [];
  for (const raw of text.split('\n').slice(0, MAX_LINES)) {
    if (raw.trim() === '') continue;
    try {
      const value = JSON.parse(raw) as Partial<ReportLine>;
      const count = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
      if (typeof value.file !== 'string' || value.file.length === 0 || value.file.length > 1024 || !count(value.size)) continue;
      if (value.via === 'mirror') lines.push({ file: value.file, size: value.size!, via: 'mirror' });
      else if (value.via === 'torrent' && count(value.peers) && count(value.mirror)) {
        lines.push({ file: value.file, size: value.size!, via: 'torrent', peers: value.peers!, mirror: value.mirror! });
      }
    } catch {
      // Not a line of the method's.
    }
  }
  return lines;
}

/**
 * The closing line's figures for one apt-get run through the method: the
 * files that came by BitTorrent with what peers and the mirror (as web seed)
 * gave, and the files APT's own http method fetched from the mirror, counted
 * whole when they are in the archive cache afterwards (`arrived`). A file
 * reported twice (APT retried it) counts once, as it came the last time.
 */
export function runSummary(lines: readonly ReportLine[], elapsedMs: number, arrived: (file: string) => boolean): DownloadSummary | undefined {
  const last = new Map<string, ReportLine>();
  for (const line of lines) last.set(line.file, line);
  const summary: DownloadSummary = { files: 0, bytes: 0, mirrorBytes: 0, peerBytes: 0, resumedBytes: 0, elapsedMs, torrents: [] };
  for (const line of last.values()) {
    if (line.via === 'mirror' && !arrived(line.file)) continue;
    summary.files += 1;
    summary.bytes += line.size;
    if (line.via === 'mirror') {
      summary.mirrorBytes += line.size;
      continue;
    }
    const peers = Math.min(line.peers ?? 0, line.size);
    const mirror = Math.min(line.mirror ?? 0, line.size - peers);
    summary.peerBytes += peers;
    summary.mirrorBytes += mirror;
    summary.resumedBytes += line.size - peers - mirror;
  }
  return summary.files > 0 ? summary : undefined;
}
