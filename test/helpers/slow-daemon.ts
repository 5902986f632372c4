import { createServer, type Server } from 'node:net';

/**
 * A seeding daemon that takes its time: it accepts every hand-over at once
 * and lists what it took as 'checking' until `release()`, then as seeding
 * and announced. It serves no peer: between the hand-over and its release,
 * only the machine that installed can serve the files.
 */
export class SlowDaemon {
  added = 0;
  lists = 0;
  private held = true;
  private server?: Server;

  constructor(readonly socket: string, private readonly infoHashes: readonly string[]) {}

  start(): Promise<void> {
    this.server = createServer((connection) => {
      connection.setEncoding('utf8');
      connection.on('data', (line: string) => {
        const request = JSON.parse(line.trim()) as { cmd: string };
        if (request.cmd === 'add') this.added += 1;
        if (request.cmd === 'list') this.lists += 1;
        const view = (infoHash: string) => ({
          package: 'bigdata', version: '1.0', architecture: 'all', infoHash, name: 'bigdata', size: 0, uploaded: 0, ratio: 0, peers: 0,
          state: this.held ? 'checking' : 'seeding', announced: !this.held, seedSeconds: 0, addedAt: new Date().toISOString(),
        });
        connection.end(`${JSON.stringify(request.cmd === 'add' ? { ok: true, accepted: 1 } : { ok: true, torrents: this.added > 0 ? this.infoHashes.map(view) : [] })}\n`);
      });
      connection.on('error', () => {});
    });
    return new Promise((resolve) => this.server!.listen(this.socket, resolve));
  }

  release(): void {
    this.held = false;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
