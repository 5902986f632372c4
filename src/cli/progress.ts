import type cliProgress from 'cli-progress';
import type { AptTorrentError } from '../errors.js';
import type { DownloadEvents, DownloadSummary } from '../fetch/download-all.js';
import type { PlannedFile } from '../fetch/plan.js';
import { formatBytes, formatDuration } from '../util/size.js';
import { SpeedMeter } from './speed-meter.js';

export type ProgressMode = 'bars' | 'lines' | 'quiet';

/** Bars on a terminal, a plain line per file otherwise (cli-progress draws nothing without a TTY). */
export function progressMode(stream: NodeJS.WriteStream, quiet: boolean): ProgressMode {
  if (quiet) return 'quiet';
  return stream.isTTY ? 'bars' : 'lines';
}

/** The closing line: files, bytes, time, and where the bytes came from. */
export function summaryLine(summary: DownloadSummary): string {
  const seconds = Math.max(summary.elapsedMs, 1) / 1000;
  const rate = formatBytes(Math.round((summary.httpBytes) / seconds));
  const resumed = summary.resumedBytes > 0 ? `, ${formatBytes(summary.resumedBytes)} kept from earlier partial downloads` : '';
  return `Fetched ${summary.files} file${summary.files === 1 ? '' : 's'}, ${formatBytes(summary.bytes)} in ${formatDuration(summary.elapsedMs)} (${rate}/s): ` +
    `${formatBytes(summary.httpBytes)} over HTTP, 0 B from peers${resumed}`;
}

/**
 * Shows downloads as they happen. Writes to stderr: stdout is kept for data
 * (`plan --json`), and apt-get's own output follows on the terminal anyway.
 */
export async function createProgressDisplay(mode: ProgressMode, stream: NodeJS.WriteStream, totalBytes: number, fileCount: number): Promise<ProgressDisplay> {
  // cli-progress is only needed on a terminal.
  const bars = mode === 'bars' ? (await import('cli-progress')).default : undefined;
  return new ProgressDisplay(mode, stream, totalBytes, fileCount, bars);
}

export class ProgressDisplay implements DownloadEvents {
  private readonly bars = new Map<PlannedFile, cliProgress.SingleBar>();
  private readonly meters = new Map<PlannedFile, SpeedMeter>();
  private readonly totalMeter = new SpeedMeter();
  private multi?: cliProgress.MultiBar;
  private totalBar?: cliProgress.SingleBar;
  private doneBytes = 0;

  constructor(
    private readonly mode: ProgressMode,
    private readonly stream: NodeJS.WriteStream,
    private readonly totalBytes: number,
    private readonly fileCount: number,
    bars?: typeof cliProgress,
  ) {
    if (mode !== 'bars' || !bars) return;
    this.multi = new bars.MultiBar({
      stream,
      hideCursor: true,
      // The closing line says it all once done; finished files were logged as they came.
      clearOnComplete: true,
      fps: 8,
      barsize: 24,
      format: (_options, params, payload: { name: string; speed: string }) => {
        const bar = '█'.repeat(Math.round(params.progress * 24)).padEnd(24, '░');
        const eta = Number.isFinite(params.eta) && params.value < params.total ? ` ETA ${formatDuration(params.eta * 1000)}` : '';
        return `${payload.name.padEnd(36).slice(0, 36)} ${bar} ${String(Math.floor(params.progress * 100)).padStart(3)}% ` +
          `${formatBytes(params.value).padStart(9)}/${formatBytes(params.total).padEnd(9)} ${payload.speed.padStart(11)}${eta}`;
      },
    });
    this.totalBar = this.multi.create(Math.max(totalBytes, 1), 0, { name: `Total (${fileCount} files)`, speed: '' });
  }

  start(file: PlannedFile): void {
    this.meters.set(file, new SpeedMeter());
    if (this.multi) this.bars.set(file, this.multi.create(Math.max(file.size, 1), 0, { name: `http  ${file.cacheName}`, speed: '' }));
  }

  bytes(file: PlannedFile, count: number): void {
    this.doneBytes += count;
    const meter = this.meters.get(file);
    meter?.add(count);
    this.totalMeter.add(count);
    if (!this.multi) return;
    this.bars.get(file)?.increment(count, { speed: `${formatBytes(meter?.rate() ?? 0)}/s` });
    this.totalBar?.update(Math.min(this.doneBytes, this.totalBytes), { speed: `${formatBytes(this.totalMeter.rate())}/s` });
  }

  done(file: PlannedFile, source: 'http'): void {
    const bar = this.bars.get(file);
    if (bar && this.multi) {
      // log() before remove(): remove() redraws, which is what flushes the log.
      this.multi.log(`Got ${source.padEnd(5)} ${file.cacheName} (${formatBytes(file.size)})\n`);
      this.multi.remove(bar);
    }
    this.bars.delete(file);
    this.meters.delete(file);
    if (this.mode === 'lines') this.stream.write(`Got ${source.padEnd(5)} ${file.cacheName} (${formatBytes(file.size)})\n`);
  }

  failed(file: PlannedFile, error: AptTorrentError): void {
    const bar = this.bars.get(file);
    const line = `Failed ${file.cacheName}: ${error.message.split('\n')[0]}\n`;
    if (this.multi) {
      this.multi.log(line);
      if (bar) this.multi.remove(bar);
      else this.multi.update();
    } else if (this.mode === 'lines') this.stream.write(line);
    this.bars.delete(file);
  }

  /** Stop drawing and print the closing line. */
  finish(summary?: DownloadSummary): void {
    if (this.multi) {
      this.multi.update();
      this.multi.stop();
    }
    if (summary && this.mode !== 'quiet') this.stream.write(`${summaryLine(summary)}\n`);
  }
}
