import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildArchive, TestArchive, type TestPackage } from '../helpers/archive.js';
import { CLI, runCli } from '../helpers/cli.js';
import { cleanEnv } from '../helpers/env.js';
import { Lan } from '../helpers/netns.js';
import { Nginx } from '../helpers/nginx.js';
import { Proc } from '../helpers/proc.js';
import { createSandbox, removeSandbox, type Sandbox } from '../helpers/sandbox.js';

const run = promisify(execFile);
const PROXY = fileURLToPath(new URL('../helpers/latency-proxy-process.js', import.meta.url));

/** One link's two directions, as tc rates ('<N>mbit'). */
export interface Link {
  up: string;
  down: string;
}

/** The links of a shaped net: the mirror's, each machine's, and the round trip added to the mirror. */
export interface Links {
  mirror: Link;
  machine: Link;
  /** Round trip added between every machine and the mirror (0: none). */
  mirrorRttMs: number;
}

/**
 * A mirror and `machines` machines, each in its own network namespace on one
 * bridge (test/helpers/netns.ts), each link shaped by tbf. The mirror is
 * host 0: nginx with `publish`'s torrents and `serve --tracker` on port
 * 6969. With a round trip, nginx listens on the mirror's loopback and a
 * relay that delays every chunk (no netem here) listens on the mirror's
 * address: the only way in, so every byte nginx counts went through the delay
 * and the mirror's link. The tracker is reached directly (its few bytes do
 * not need the delay). Machines are hosts 1..machines. Nothing listens
 * outside these namespaces.
 */
export class ShapedNet {
  private readonly procs: Proc[] = [];
  private nginx?: Nginx;
  private repo?: TestArchive;
  mirrorUrl = '';

  private constructor(private readonly lan: Lan) {}

  static async create(packages: readonly TestPackage[], machines: number, links: Links): Promise<ShapedNet> {
    const net = new ShapedNet(Lan.create(machines + 1));
    try {
      await net.setUp(packages, machines, links);
    } catch (error) {
      await net.close();
      throw error;
    }
    return net;
  }

  private async setUp(packages: readonly TestPackage[], machines: number, links: Links): Promise<void> {
    this.lan.shape(0, links.mirror);
    for (let index = 1; index <= machines; index += 1) this.lan.shape(index, links.machine);
    const address = this.lan.hosts[0]!.address;
    const repo = (this.repo = buildArchive(packages));
    const ns = this.lan.hosts[0]!.ns;
    const delayed = links.mirrorRttMs > 0;
    this.nginx = new Nginx(repo.root, { netns: ns, host: delayed ? '127.0.0.1' : address, port: delayed ? 8080 : 80 });
    await this.nginx.start();
    this.mirrorUrl = `http://${address}/`;
    if (delayed) this.procs.push(await this.start(0, [PROXY, '127.0.0.1', '8080', String(links.mirrorRttMs / 2), address, '80'], /^http:\/\/\S+\n/m));
    const announce = `http://${address}:6969/announce`;
    const published = await runCli(['publish', '--archive-root', repo.root, '--suite', 'stable', '--base-url', this.mirrorUrl, '--tracker', announce, '--min-size', '1MiB']);
    if (published.code !== 0) throw new Error(`publish failed (${published.code}): ${published.stderr}`);
    new TestArchive(undefined, repo.root).releaseWithManifest();
    this.procs.push(await this.start(0, [CLI, 'serve', '--listen', `${address}:6969`, '--archive-root', repo.root, '--tracker'], /^http:\/\/\S+\n/m));
  }

  /** A node script run in host `index`'s namespace, ready once its output matches. */
  private start(index: number, args: string[], ready: RegExp, env: NodeJS.ProcessEnv = cleanEnv()): Promise<Proc> {
    const [command, argv] = this.lan.exec(index, process.execPath, args);
    return Proc.start(command, argv, ready, { env, timeoutMs: 60_000 });
  }

  /** `command args` in machine `machine`'s namespace (1-based), for measure(). */
  exec(machine: number, command: string, args: readonly string[]): [string, string[]] {
    return this.lan.exec(machine, command, args);
  }

  /** A fresh sandboxed APT on machine `machine`, its lists fetched from there; seeding on when `seed`. */
  async sandbox(machine: number, seed: boolean): Promise<Sandbox & { close(): void }> {
    const sandbox = createSandbox(this.mirrorUrl);
    try {
      if (seed) {
        // Only seed.enabled: uploadLimit, listenPort and the rest stay the defaults a user gets.
        const file = join(sandbox.dir, 'xdg/apt-torrent/config.json');
        const config = JSON.parse(readFileSync(file, 'utf8'));
        writeFileSync(file, JSON.stringify({ ...config, seed: { ...config.seed, enabled: true } }));
      }
      const [command, args] = this.exec(machine, 'apt-get', ['update', '-qq']);
      await run(command, args, { env: sandbox.env });
    } catch (error) {
      removeSandbox(sandbox);
      throw error;
    }
    return { ...sandbox, close: () => removeSandbox(sandbox) };
  }

  /** The seeding daemon of `sandbox`, on machine `machine`. */
  daemon(machine: number, sandbox: Sandbox): Promise<Proc> {
    return this.start(machine, [CLI, 'seed'], /seeding \d+ file\(s\)/, sandbox.env);
  }

  /** Body bytes nginx sent for .deb files. */
  debBytesServed(): number {
    return this.nginx?.bytesServed('.deb') ?? 0;
  }

  /** Stop everything, remove the archive and every namespace (their veths and qdiscs go with them). */
  async close(): Promise<void> {
    try {
      for (const proc of this.procs.reverse()) await proc.stop();
      await this.nginx?.stop();
      this.repo?.dispose();
    } finally {
      this.lan.remove();
    }
  }
}
