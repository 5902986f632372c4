import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, runCli } from './cli.js';
import { freePort } from './nginx.js';

const SEEDER = fileURLToPath(new URL('./seeder-process.js', import.meta.url));

/** A child process that prints a line when ready; stopped with stop(). */
export class Proc {
  constructor(readonly child: ChildProcess, readonly ready: string) {}

  static start(command: string, args: string[], readyPattern: RegExp, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Proc> {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${command} did not get ready: ${output.slice(-2000)}`));
      }, options.timeoutMs ?? 20_000);
      const onData = (chunk: Buffer) => {
        output += chunk;
        const match = readyPattern.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(new Proc(child, match[0]));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${command} exited ${code}: ${output.slice(-2000)}`));
      });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * What a mirror operator does: `apt-torrent publish` over the archive (all
 * files of at least 1 MiB, announcing to a tracker on a free loopback port),
 * then `apt-torrent serve --tracker` as that tracker.
 */
export async function publishWithTracker(archiveRoot: string, baseUrl: string, extra: string[] = ['--share', '1']): Promise<{ tracker: Proc; announce: string }> {
  const port = await freePort();
  const announce = `http://127.0.0.1:${port}/announce`;
  const result = await runCli(['publish', '--archive-root', archiveRoot, '--suite', 'stable', '--base-url', baseUrl, '--tracker', announce, '--min-size', '1MiB', ...extra], process.env);
  if (result.code !== 0) throw new Error(`publish failed (${result.code}): ${result.stderr}`);
  const tracker = await Proc.start(process.execPath, [CLI, 'serve', '--archive-root', archiveRoot, '--listen', `127.0.0.1:${port}`, '--tracker'], /http:\/\//);
  return { tracker, announce };
}

/** A copy of a file in a fresh directory, as a seeder's data. */
export function seedDir(file: string, mutate?: (data: Buffer) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'apt-torrent-seed-'));
  if (mutate) {
    const data = readFileSync(file);
    mutate(data);
    writeFileSync(join(dir, basename(file)), data);
  } else {
    copyFileSync(file, join(dir, basename(file)));
  }
  return dir;
}

/** Our own torrent client seeding a copy of `file`. */
export function startOurSeeder(torrent: string, dataDir: string, options: { skipVerify?: boolean; uploadLimit?: number } = {}): Promise<Proc> {
  return Proc.start(process.execPath, [
    SEEDER, torrent, dataDir,
    ...(options.skipVerify ? ['--skip-verify'] : []),
    ...(options.uploadLimit ? ['--upload-limit', String(options.uploadLimit)] : []),
  ], /seeding \d+ complete/);
}

/** aria2 (a third-party client) seeding a copy of `file`, bound to `address`. */
export async function startAria2Seeder(torrent: string, dataDir: string, address = '127.0.0.2'): Promise<Proc> {
  const port = await freePort(address);
  mkdirSync(dataDir, { recursive: true });
  return Proc.start('aria2c', [
    `--dir=${dataDir}`, '--seed-ratio=0.0', '--check-integrity=true', '--bt-seed-unverified=false',
    '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
    `--listen-port=${port}`, `--interface=${address}`, '--summary-interval=1', '--console-log-level=notice',
    '--bt-tracker-connect-timeout=5', '--follow-torrent=false', torrent,
  ], /SEED\(|seeding|Seeding/i, { timeoutMs: 30_000 });
}
