import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { withTrackersOnly } from '../../src/bittorrent/accept-torrent.js';
import { parseTorrent } from '../../src/bittorrent/torrent.js';
import { TestArchive } from './archive.js';
import { runCli, startServe, type Served } from './cli.js';
import { cleanEnv } from './env.js';
import { freePort } from './net.js';
import { Proc } from './proc.js';
import { tempDir } from './temp.js';

const run = promisify(execFile);
const SEEDER = fileURLToPath(new URL('./seeder-process.js', import.meta.url));

/**
 * What a mirror operator does: `apt-torrent publish` over the archive (all
 * files of at least 1 MiB, announcing to a tracker on a free loopback port),
 * Release listing the manifest (so clients trust its tracker), then
 * `apt-torrent serve --tracker` as that tracker.
 */
export async function publishWithTracker(archiveRoot: string, baseUrl: string, extra: string[] = ['--share', '1']): Promise<{ tracker: Served; announce: string }> {
  const port = await freePort();
  const announce = `http://127.0.0.1:${port}/announce`;
  const result = await runCli(['publish', '--archive-root', archiveRoot, '--suite', 'stable', '--base-url', baseUrl, '--tracker', announce, '--min-size', '1MiB', ...extra]);
  if (result.code !== 0) throw new Error(`publish failed (${result.code}): ${result.stderr}`);
  new TestArchive(undefined, archiveRoot).releaseWithManifest();
  const tracker = await startServe(['--archive-root', archiveRoot, '--tracker'], `127.0.0.1:${port}`);
  return { tracker, announce };
}

/** A copy of a file in a fresh directory, as a seeder's data. */
export function seedDir(file: string, mutate?: (data: Buffer) => void): string {
  const dir = tempDir('seed');
  if (mutate) {
    const data = readFileSync(file);
    mutate(data);
    writeFileSync(join(dir, basename(file)), data);
  } else {
    copyFileSync(file, join(dir, basename(file)));
  }
  return dir;
}

/** A copy of a published torrent in `dir` without its web seed (url-list): a client can get the file from peers only. */
export function bareTorrent(torrent: string, dir: string): string {
  const published = readFileSync(torrent);
  const file = join(dir, `bare-${basename(torrent)}`);
  writeFileSync(file, withTrackersOnly(published, parseTorrent(published).trackers));
  return file;
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

/**
 * aria2 (a third-party client) leeching `torrent` into a fresh directory,
 * bound to its own address; resolves with the directory and aria2's status.
 */
export async function aria2Leech(torrent: string, options: { address?: string; stopTimeoutS?: number; timeoutMs?: number } = {}): Promise<{ dir: string; code: number }> {
  const address = options.address ?? '127.0.0.3';
  const dir = join(tempDir('leech'), 'out');
  mkdirSync(dir);
  try {
    await run('aria2c', [
      `--dir=${dir}`, '--seed-time=0', '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false',
      '--enable-peer-exchange=false', `--interface=${address}`, `--listen-port=${await freePort(address)}`,
      '--console-log-level=warn', '--summary-interval=0', `--bt-stop-timeout=${options.stopTimeoutS ?? 30}`, '--bt-tracker-interval=1',
      torrent,
    ], { env: cleanEnv(), timeout: options.timeoutMs ?? 60_000 });
    return { dir, code: 0 };
  } catch (error) {
    return { dir, code: (error as { code?: number }).code ?? -1 };
  }
}
