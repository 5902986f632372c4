import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { PlannedFile } from '../fetch/plan.js';
import { handOver, notifySeeder } from '../seed/handover.js';

/** A file the method answered with 201, as it tells the agent. */
export interface HandedFile {
  file: PlannedFile;
  infoHash: string;
}

const AGENT = fileURLToPath(new URL('./seed-agent.js', import.meta.url));
/** APT moves each file into its cache right after the 201; this is for a slow disk. */
const APPEAR_MS = 10_000;

/**
 * Start the agent (see seed-agent.ts) while still root. It lives on after
 * the method is ended: its stdin closing is its signal to go to work.
 */
export function startSeedAgent(where: { stateDir: string; socket: string; archives: string }): { record(handed: HandedFile): void; input?: Writable } {
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, [AGENT, where.stateDir, where.socket, where.archives], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    child.on('error', () => (child = undefined));
    child.stdin!.on('error', () => (child = undefined));
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
  } catch {
    child = undefined;
  }
  return {
    record(handed) {
      child?.stdin?.write(`${JSON.stringify(handed)}\n`);
    },
    // For a method that goes on in a child as the sandbox user (see sandbox-parent.ts), which writes there itself.
    ...(child?.stdin ? { input: child.stdin } : {}),
  };
}

/** The agent's work: check each announced file in APT's cache, record the good ones, tell the daemon. */
export async function handOverFromMethod(text: string, where: { stateDir: string; socket: string; archives: string }): Promise<number> {
  const accepted: Array<{ file: PlannedFile; infoHash: string; path: string }> = [];
  // One deadline for all: a file that never appears costs the wait once, not once per line.
  const deadline = Date.now() + APPEAR_MS;
  for (const line of text.split('\n').slice(0, 10_000)) {
    const handed = parseHanded(line);
    if (!handed) continue;
    const path = join(where.archives, basename(handed.file.cacheName));
    if (await isTheFile(path, handed.file, deadline)) accepted.push({ ...handed, path });
  }
  if (accepted.length === 0) return 0;
  const recorded = await handOver(accepted, where.stateDir, () => {});
  if (recorded > 0) await notifySeeder(where.socket, recorded, () => {});
  return recorded;
}

function parseHanded(line: string): HandedFile | undefined {
  try {
    const value = JSON.parse(line) as HandedFile;
    const file = value?.file;
    const plain = (text: unknown) => typeof text === 'string' && text.length > 0 && text.length < 4096;
    if (!file || !/^[0-9a-f]{40}$/.test(value.infoHash) || !/^[0-9a-f]{64}$/.test(file.sha256)) return undefined;
    if (!Number.isSafeInteger(file.size) || file.size <= 0 || !plain(file.cacheName) || file.cacheName.includes('/')) return undefined;
    if (![file.uri, file.package, file.version, file.architecture].every(plain) || !file.torrent || !plain(file.torrent.torrentUrl)) return undefined;
    return { file: { ...file, route: 'torrent' }, infoHash: value.infoHash };
  } catch {
    return undefined;
  }
}

/** A plain file (no link) of the announced size whose SHA256 is the announced one, once APT has put it there. */
async function isTheFile(path: string, file: PlannedFile, deadline: number): Promise<boolean> {
  for (;;) {
    const stats = await lstat(path).catch(() => undefined);
    if (!stats) {
      if (Date.now() >= deadline) return false;
      await sleep(200);
      continue;
    }
    if (!stats.isFile() || stats.size !== file.size) return false;
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    return hash.digest('hex') === file.sha256;
  }
  return false;
}
