/**
 * Files waiting for their check (re-hash), run one at a time in the order
 * they came: a thousand files at start-up must not be read all at once.
 * `done` runs each time the queue runs dry.
 */
export class CheckQueue {
  private readonly waiting: string[] = [];
  private running = false;

  constructor(
    private readonly check: (infoHash: string) => Promise<void>,
    private readonly done: () => Promise<void>,
  ) {}

  push(infoHash: string): void {
    this.waiting.push(infoHash);
    void this.run();
  }

  drop(infoHash: string): void {
    const index = this.waiting.indexOf(infoHash);
    if (index >= 0) this.waiting.splice(index, 1);
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let infoHash = this.waiting.shift(); infoHash; infoHash = this.waiting.shift()) await this.check(infoHash);
    } finally {
      this.running = false;
    }
    await this.done();
  }
}
