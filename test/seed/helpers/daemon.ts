import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { TorrentView } from '../../../src/seed/protocol.js';
import { CLI, runCli } from '../../helpers/cli.js';
import { freePort } from '../../helpers/nginx.js';
import { Proc } from '../../helpers/swarm.js';

const run = promisify(execFile);

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A sandbox's config file, with the seed settings merged in (the socket inside the sandbox). */
export function configureSeeding(configFile: string, seed: Record<string, unknown>, extra: Record<string, unknown> = {}): void {
  const current = JSON.parse(readFileSync(configFile, 'utf8'));
  writeFileSync(configFile, JSON.stringify({ ...current, ...extra, seed: { enabled: true, listenPort: 0, uploadLimit: 0, ...current.seed, ...seed } }));
}

export interface Daemon {
  child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

/** `apt-torrent seed` as its own process; ready once it says what it seeds. */
export function startDaemon(env: NodeJS.ProcessEnv, options: { args?: string[]; timeoutMs?: number } = {}): Promise<Daemon> {
  const child = spawn(process.execPath, [CLI, ...(options.args ?? []), 'seed'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk) => (log += chunk));
  const proc = new Proc(child, '');
  const daemon: Daemon = { child, log: () => log, stop: () => proc.stop() };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`apt-torrent seed did not get ready: ${log}`));
    }, options.timeoutMs ?? 20_000);
    const onData = () => {
      if (/seeding \d+ file\(s\)/.test(log)) {
        clearTimeout(timer);
        child.stderr!.off('data', onData);
        resolve(daemon);
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`apt-torrent seed exited ${code}: ${log}`));
    });
  });
}

export async function list(env: NodeJS.ProcessEnv): Promise<TorrentView[]> {
  const result = await runCli(['seeding', 'list', '--json'], env);
  if (result.code !== 0) throw new Error(`seeding list: ${result.code} ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Poll `seeding list` until the predicate holds. */
export async function waitForList(env: NodeJS.ProcessEnv, predicate: (torrents: TorrentView[]) => boolean, timeoutMs = 20_000): Promise<TorrentView[]> {
  const deadline = Date.now() + timeoutMs;
  let last: TorrentView[] = [];
  while (Date.now() < deadline) {
    last = await list(env);
    if (predicate(last)) return last;
    await sleep(200);
  }
  throw new Error(`seeding list never matched: ${JSON.stringify(last)}`);
}

export function stateOf(torrents: TorrentView[], name: string): string | undefined {
  return torrents.find((torrent) => torrent.package === name)?.state;
}

/**
 * aria2 (a third-party client) leeching `torrent` into a fresh directory,
 * bound to its own address; resolves with the directory and aria2's status.
 */
export async function aria2Leech(torrent: string, options: { address?: string; stopTimeoutS?: number; timeoutMs?: number } = {}): Promise<{ dir: string; code: number }> {
  const address = options.address ?? '127.0.0.3';
  const dir = mkdtempSync(join(tmpdir(), 'apt-torrent-leech-'));
  mkdirSync(join(dir, 'out'));
  try {
    await run('aria2c', [
      `--dir=${join(dir, 'out')}`, '--seed-time=0', '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false',
      '--enable-peer-exchange=false', `--interface=${address}`, `--listen-port=${await freePort(address)}`,
      '--console-log-level=warn', '--summary-interval=0', `--bt-stop-timeout=${options.stopTimeoutS ?? 30}`, '--bt-tracker-interval=1',
      torrent,
    ], { timeout: options.timeoutMs ?? 60_000 });
    return { dir: join(dir, 'out'), code: 0 };
  } catch (error) {
    return { dir: join(dir, 'out'), code: (error as { code?: number }).code ?? -1 };
  }
}
