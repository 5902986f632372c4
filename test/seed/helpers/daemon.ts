import { readFileSync, writeFileSync } from 'node:fs';
import type { TorrentView } from '../../../src/seed/protocol.js';
import { CLI, runCli } from '../../helpers/cli.js';
import { Proc } from '../../helpers/proc.js';
import { poll } from '../../helpers/wait.js';

/** A sandbox's config file, with the seed settings merged in (the socket inside the sandbox). */
export function configureSeeding(configFile: string, seed: Record<string, unknown>, extra: Record<string, unknown> = {}): void {
  const current = JSON.parse(readFileSync(configFile, 'utf8'));
  writeFileSync(configFile, JSON.stringify({ ...current, ...extra, seed: { enabled: true, listenPort: 0, uploadLimit: 0, ...current.seed, ...seed } }));
}

/** `apt-torrent seed`; log() is what it printed, stop() ends it. */
export type Daemon = Proc;

/** `apt-torrent seed` as its own process; ready once it says what it seeds. */
export function startDaemon(env: NodeJS.ProcessEnv, options: { args?: string[]; timeoutMs?: number } = {}): Promise<Daemon> {
  return Proc.start(process.execPath, [CLI, ...(options.args ?? []), 'seed'], /seeding \d+ file\(s\)/, { env, timeoutMs: options.timeoutMs ?? 20_000 });
}

export async function list(env: NodeJS.ProcessEnv): Promise<TorrentView[]> {
  const result = await runCli(['seeding', 'list', '--json'], env);
  if (result.code !== 0) throw new Error(`seeding list: ${result.code} ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Poll `seeding list` until the predicate holds. */
export async function waitForList(env: NodeJS.ProcessEnv, predicate: (torrents: TorrentView[]) => boolean, timeoutMs = 20_000): Promise<TorrentView[]> {
  let last: TorrentView[] = [];
  if (await poll(async () => predicate((last = await list(env))), timeoutMs, 200)) return last;
  throw new Error(`seeding list never matched: ${JSON.stringify(last)}`);
}

export function stateOf(torrents: TorrentView[], name: string): string | undefined {
  return torrents.find((torrent) => torrent.package === name)?.state;
}
