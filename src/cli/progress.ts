import type cliProgress from 'cli-progress';
import type { AptTorrentError } from '../errors.js';
import type { DownloadEvents, DownloadSummary } from '../fetch/download-all.js';
import type { PlannedFile } from '../fetch/plan.js';
import type { ByteSource } from '../fetch/torrent-fetch.js';
import { formatBytes, formatDuration } from '../util/size.js';
import { SpeedMeter } from '../util/speed-meter.js';
import { terminalSafe } from '../util/terminal-text.js';
import { progressLine } from './progress-line.js';

export type ProgressMode = 'bars' | 'lines' | 'quiet';

/** Bars on a terminal, a plain line per file otherwise (cli-progress draws nothing without a TTY). */
export function progressMode(stream: NodeJS.WriteStream, quiet: boolean): ProgressMode {
  if (quiet) return 'quiet';
  return stream.isTTY ? 'bars' : 'lines';
}

/** The closing line: files, bytes, time, and where the bytes came from. */
export function summaryLine(summary: DownloadSummary): string {
  const seconds = Math.max(summary.elapsedMs, 1) / 1000;
  const rate = formatBytes(Math.round((summary.mirrorBytes + summary.peerBytes) / seconds));
  const resumed = summary.resumedBytes > 0 ? `, ${formatBytes(summary.resumedBytes)} kept from earlier partial downloads` : '';
  return `Fetched ${summary.files} file${summary.files === 1 ? '' : 's'}, ${formatBytes(summary.bytes)} in ${formatDuration(summary.elapsedMs)} (${rate}/s): ` +
    `${formatBytes(summary.peerBytes)} from peers, ${formatBytes(summary.mirrorBytes)} from the mirror${resumed}`;
}

/** One file's line when done: how it came and from whom. */
export function doneLine(file: PlannedFile, bySource: Record<ByteSource, number>): string {
  const how = file.route === 'torrent'
    ? `torrent: ${formatBytes(bySource.peers)} from peers, ${formatBytes(bySource.mirror)} from the mirror`
    : file.torrent ? 'http: nobody in the swarm yet' : 'http';
  return `Got ${file.cacheName} (${formatBytes(file.size)}, ${how})`;
}

export async function createProgressDisplay(mode: ProgressMode, stream: NodeJS.WriteStream, totalBytes: number, fileCount: number): Promise<ProgressDisplay> {
  // cli-progress is only needed on a terminal.
  const bars = mode === 'bars' ? (await import('cli-progress')).default : undefined;
  return new ProgressDisplay(mode, stream, totalBytes, fileCount, bars);
}

interface FileState {
  bar?: cliProgress.SingleBar;
  meter: SpeedMeter;
  peers: number;
  bySource: Record<ByteSource, number>;
}

/**
 * Shows downloads as they happen. Writes to stderr: stdout is kept for data
 * (`plan --json`), and apt-get's own output follows on the terminal anyway.
 */
export class ProgressDisplay implements DownloadEvents {
  private readonly files = new Map<PlannedFile, FileState>();
  private readonly totalMeter = new SpeedMeter();
  private multi?: cliProgress.MultiBar;
  private totalBar?: cliProgress.SingleBar;
  private doneBytes = 0;

  constructor(
    private readonly mode: ProgressMode,
    private readonly stream: NodeJS.WriteStream,
    private readonly totalBytes: number,
    fileCount: number,
    bars?: typeof cliProgress,
  ) {
    if (mode !== 'bars' || !bars) return;
    this.multi = new bars.MultiBar({
      stream,
      hideCursor: true,
      // The closing line says it all once done; finished files were logged as they came.
      clearOnComplete: true,
      fps: 8,
      format: (_options, params, payload: { name: string; speed: string; via: string }) => {
        const eta = Number.isFinite(params.eta) && params.value < params.total && params.eta > 0 ? `ETA ${formatDuration(params.eta * 1000)}` : '';
        const fields = { name: payload.name, progress: params.progress, done: formatBytes(params.value), total: formatBytes(params.total), speed: payload.speed, via: payload.via, eta };
        // The last column stays free: a line that fills it makes some terminals wrap.
        return progressLine(fields, (stream.columns || 80) - 1);
      },
    });
    this.totalBar = this.multi.create(Math.max(totalBytes, 1), 0, { name: `Total (${fileCount} files)`, speed: '', via: '' });
  }

  start(file: PlannedFile): void {
    const state: FileState = { meter: new SpeedMeter(), peers: 0, bySource: { peers: 0, mirror: 0 } };
    if (this.multi) state.bar = this.multi.create(Math.max(file.size, 1), 0, { name: file.cacheName, speed: '', via: this.via(file, state) });
    this.files.set(file, state);
  }

  bytes(file: PlannedFile, count: number, source: ByteSource): void {
    this.doneBytes += count;
    this.totalMeter.add(count);
    const state = this.files.get(file);
    if (!state) return;
    state.meter.add(count);
    state.bySource[source] += count;
    if (!this.multi) return;
    state.bar?.update(Math.min(state.bySource.peers + state.bySource.mirror, file.size), { speed: `${formatBytes(state.meter.rate())}/s`, via: this.via(file, state) });
    this.totalBar?.update(Math.min(this.doneBytes, this.totalBytes), { speed: `${formatBytes(this.totalMeter.rate())}/s` });
  }

  peers(file: PlannedFile, count: number): void {
    const state = this.files.get(file);
    if (!state) return;
    state.peers = count;
    state.bar?.update({ via: this.via(file, state) });
  }

  done(file: PlannedFile): void {
    const state = this.files.get(file);
    this.files.delete(file);
    this.line(doneLine(file, state?.bySource ?? { peers: 0, mirror: file.size }), state?.bar);
  }

  failed(file: PlannedFile, error: AptTorrentError): void {
    const state = this.files.get(file);
    this.files.delete(file);
    this.line(`Failed ${file.cacheName}: ${error.message.split('\n')[0]}`, state?.bar);
  }

  warn(message: string): void {
    if (this.mode === 'quiet') return;
    this.line(`W: ${message}`);
  }

  /** Stop drawing and print the closing line. */
  finish(summary?: DownloadSummary): void {
    if (this.multi) {
      this.multi.update();
      this.multi.stop();
    }
    if (summary && this.mode !== 'quiet') this.stream.write(`${summaryLine(summary)}\n`);
  }

  private via(file: PlannedFile, state: FileState): string {
    if (file.route !== 'torrent') return 'http';
    return `torrent ${state.peers} peer${state.peers === 1 ? '' : 's'}, ${Math.round((100 * state.bySource.peers) / Math.max(1, state.bySource.peers + state.bySource.mirror))}% peers`;
  }

  private line(text: string, bar?: cliProgress.SingleBar): void {
    if (this.multi) {
      // log() before remove(): remove() redraws, which is what flushes the log.
      this.multi.log(`${terminalSafe(text)}\n`);
      if (bar) this.multi.remove(bar);
      else this.multi.update();
    } else if (this.mode === 'lines') {
      this.stream.write(`${terminalSafe(text)}\n`);
    }
  }
}
