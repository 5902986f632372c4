import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { parseScrape, scrapeQuery } from '../../src/bittorrent/scrape.js';
import { freePort } from './net.js';
import { Proc } from './proc.js';
import { removeTempDir, tempDir } from './temp.js';
import { poll } from './wait.js';

/**
 * opentracker (Debian's), a third-party tracker, on 127.0.0.1: HTTP and UDP
 * on one port number. It serves only whitelisted infohashes, and chroots
 * into its directory and drops to nobody, so the directory and list are
 * world-readable.
 */
export class OpenTracker {
  private constructor(
    private readonly proc: Proc,
    private readonly dir: string,
    readonly port: number,
  ) {}

  static async start(infoHashes: readonly string[]): Promise<OpenTracker> {
    const dir = tempDir('opentracker');
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'whitelist'), `${infoHashes.join('\n')}\n`, { mode: 0o644 });
    const port = await freePort();
    const child = spawn('opentracker', ['-i', '127.0.0.1', '-p', String(port), '-P', String(port), '-d', dir, '-w', '/whitelist'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const tracker = new OpenTracker(new Proc(child), dir, port);
    const up = await poll(() => tracker.knows(infoHashes.slice(0, 1)).then(() => true, () => false), 10_000, 100);
    if (!up) {
      await tracker.stop();
      throw new Error('opentracker did not start');
    }
    return tracker;
  }

  get http(): string {
    return `http://127.0.0.1:${this.port}/announce`;
  }

  get udp(): string {
    return `udp://127.0.0.1:${this.port}`;
  }

  /** Of these infohashes, those with at least one peer (a scrape). */
  async knows(infoHashes: readonly string[]): Promise<string[]> {
    const known: string[] = [];
    // A few at a time: opentracker caps the infohashes of one scrape.
    for (let at = 0; at < infoHashes.length; at += 50) {
      const body = await new Promise<Buffer>((resolve, reject) => {
        // Connection: close; opentracker hangs up on some requests kept alive.
        get(scrapeQuery(`http://127.0.0.1:${this.port}/scrape`, infoHashes.slice(at, at + 50)), { agent: false }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve(Buffer.concat(chunks)));
        }).on('error', reject);
      });
      for (const [infoHash, count] of parseScrape(body)) if (count.complete + count.incomplete > 0) known.push(infoHash);
    }
    return known;
  }

  async stop(): Promise<void> {
    await this.proc.stop();
    removeTempDir(this.dir);
  }
}
