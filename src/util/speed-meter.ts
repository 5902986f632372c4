/**
 * Bytes per second over the last few seconds, so the speed shown follows
 * what the connection does now rather than its average since the start.
 */
export class SpeedMeter {
  private readonly samples: Array<{ at: number; bytes: number }> = [];

  constructor(
    private readonly windowMs = 3000,
    private readonly now: () => number = Date.now,
  ) {}

  add(bytes: number): void {
    const at = this.now();
    this.samples.push({ at, bytes });
    while (this.samples.length > 1 && at - this.samples[0]!.at > this.windowMs) this.samples.shift();
  }

  /** Bytes per second in the window; 0 before there is anything to measure. */
  rate(): number {
    if (this.samples.length === 0) return 0;
    const span = Math.max(this.now() - this.samples[0]!.at, 250);
    const bytes = this.samples.reduce((sum, sample) => sum + sample.bytes, 0);
    return Math.round((bytes * 1000) / span);
  }
}
