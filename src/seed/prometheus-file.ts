/**
 * seed.prometheusFile: the seeder's numbers written for node_exporter's
 * textfile collector, at start, every minute and once more at stop (with
 * apt_torrent_seeder_running 0). Each write is atomic (a temporary file
 * renamed over the old one), so the collector never reads half a file, and
 * the temporary name does not end in `.prom`, so it never reads one at all.
 */
import { writeFileAtomic } from '../util/atomic-write.js';
import { prometheusText } from './prometheus-text.js';
import type { SeedingStats } from './stats.js';

const EVERY_MS = 60_000;

export class PrometheusFile {
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly stats: () => SeedingStats,
    private readonly log: (message: string) => void,
  ) {}

  /** Write now, then every minute. */
  start(): Promise<void> {
    this.timer = setInterval(() => void this.write(true), EVERY_MS);
    return this.write(true);
  }

  /** The last write, saying the daemon stopped. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.write(false);
  }

  /** Writes never overlap; a failed one is logged, and the next interval tries again. */
  private write(running: boolean): Promise<void> {
    this.writing = this.writing.then(async () => {
      try {
        // Readable by node_exporter, which runs as its own user: 0644 exactly, whatever the daemon's umask
        // (the unit's is 0077), or the mode and owner an admin gave the file (0640, group prometheus).
        await writeFileAtomic(this.path, prometheusText(this.stats(), running), { mode: 0o644, keepModeAndOwner: true });
      } catch (error) {
        this.log(`cannot write seed.prometheusFile ${this.path}: ${(error as Error).message}`);
      }
    });
    return this.writing;
  }
}
