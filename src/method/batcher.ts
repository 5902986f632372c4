/**
 * Groups work that arrives close together: APT pipelines up to ten
 * acquires at once, and the ones bound for BitTorrent are best fetched by
 * one client run. The first item waits `windowMs` for company; at most
 * `maxRunning` groups run at once, and items arriving meanwhile form the
 * next group as soon as one ends.
 */
export class Batcher<T> {
  private pending: T[] = [];
  private running = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly run: (items: T[]) => Promise<void>,
    private readonly options: { windowMs: number; maxRunning: number },
  ) {}

  add(item: T): void {
    this.pending.push(item);
    this.schedule();
  }

  /** Groups running now, for tests and the debug log. */
  get active(): number {
    return this.running;
  }

  private schedule(): void {
    if (this.timer || this.running >= this.options.maxRunning || this.pending.length === 0) return;
    this.timer = setTimeout(() => this.flush(), this.options.windowMs);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.running >= this.options.maxRunning || this.pending.length === 0) return;
    const items = this.pending.splice(0);
    this.running += 1;
    this.run(items)
      .catch(() => {})
      .finally(() => {
        this.running -= 1;
        this.schedule();
      });
  }
}
