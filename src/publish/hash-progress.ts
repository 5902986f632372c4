/**
 * Progress of a hashing run on stderr. On a terminal one line redraws in
 * place; in a log (cron, systemd) a plain line every 10 s, because a
 * redrawn line is noise there and thousands of per-file lines are too.
 */
import { formatBytes, formatDuration } from '../util/size.js';

export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class HashProgress {
  private files = 0;
  private bytes = 0;
  private lastDraw = 0;
  private readonly started: number;
  private readonly interval: number;

  constructor(
    private readonly totalFiles: number,
    private readonly totalBytes: number,
    private readonly sink: ProgressSink,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
    this.lastDraw = this.started;
    this.interval = sink.isTTY ? 200 : 10_000;
  }

  addBytes(count: number): void {
    this.bytes += count;
    this.maybeDraw();
  }

  fileDone(): void {
    this.files += 1;
    this.maybeDraw();
  }

  /** Clears the redrawn line; the caller prints the summary. */
  finish(): void {
    if (this.sink.isTTY && this.lastDraw !== this.started) this.sink.write('\r\x1b[K');
  }

  /** Bytes per second so far. */
  rate(): number {
    const seconds = (this.now() - this.started) / 1000;
    return seconds > 0 ? this.bytes / seconds : 0;
  }

  private maybeDraw(): void {
    const now = this.now();
    if (now - this.lastDraw < this.interval) return;
    this.lastDraw = now;
    const percent = this.totalBytes > 0 ? ((100 * this.bytes) / this.totalBytes).toFixed(0) : '100';
    const line = `hashing: ${this.files}/${this.totalFiles} files, ${formatBytes(this.bytes)} of ${formatBytes(this.totalBytes)} (${percent}%),`
      + ` ${formatBytes(this.rate())}/s, ${formatDuration(now - this.started)}`;
    this.sink.write(this.sink.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
  }
}
