import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlannedFile } from '../fetch/plan.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/** A verified file that came by torrent, as the seeder needs it. */
export interface SeedCandidate {
  package: string;
  version: string;
  architecture: string;
  sha256: string;
  size: number;
  infoHash: string;
  /** Where the verified file is (APT's archive cache). */
  path: string;
  torrentUrl: string;
  trackers: string[];
  addedAt: string;
  /** The file's name in the torrent (the pool file's base name; the cache name may differ, e.g. by an epoch). */
  name?: string;
  pieceLength?: number;
  repoUri?: string;
  release?: string;
}

export const PENDING_NAME = 'pending-seeds.json';
/** What the seeder renames the pending file to while it takes it in: install writes a fresh one meanwhile. */
export const TAKING_NAME = 'pending-seeds.taking.json';

/** The torrent's file name: publish names it after the pool file, which is the last part of the URI. */
function torrentName(uri: string): string | undefined {
  try {
    return decodeURIComponent(new URL(uri).pathname.split('/').pop() ?? '') || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Record verified torrent files for the seeder: appended to
 * `<stateDir>/pending-seeds.json`, written atomically. A failure here only
 * costs seeding, never the install, so it is a warning.
 * @returns how many files were recorded
 */
export async function handOver(
  torrents: ReadonlyArray<{ file: PlannedFile; infoHash: string; path: string }>,
  stateDir: string,
  warn: (message: string) => void,
): Promise<number> {
  const file = join(stateDir, PENDING_NAME);
  try {
    await mkdir(stateDir, { recursive: true, mode: 0o755 });
    let pending: SeedCandidate[] = [];
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8'));
      if (Array.isArray(parsed)) pending = parsed;
    } catch {
      // none yet, or unreadable: start a fresh list
    }
    const known = new Set(pending.map((entry) => entry.infoHash));
    for (const { file: planned, infoHash, path } of torrents) {
      if (known.has(infoHash)) continue;
      pending.push({
        package: planned.package,
        version: planned.version,
        architecture: planned.architecture,
        sha256: planned.sha256,
        size: planned.size,
        infoHash,
        path,
        torrentUrl: planned.torrent?.torrentUrl ?? '',
        trackers: planned.torrent?.trackers ?? [],
        addedAt: new Date().toISOString(),
        name: torrentName(planned.uri),
        pieceLength: planned.torrent?.pieceLength,
        repoUri: planned.repoUri,
        release: planned.release,
      });
    }
    await writeFileAtomic(file, `${JSON.stringify(pending, null, 2)}\n`, { mode: 0o644 });
    return torrents.length;
  } catch (error) {
    warn(`could not record ${torrents.length} file(s) for seeding in ${file}: ${(error as Error).message}`);
    return 0;
  }
}

/**
 * Tell a running seeder to take the recorded files now. The request names
 * no file: the seeder reads them from the state dir, which only root can
 * write, so a member of seed.group cannot make it seed anything else.
 * Quiet when no daemon runs: the files wait for its next start.
 */
export async function notifySeeder(socket: string, count: number, say: (message: string) => void): Promise<void> {
  const { sendRequest } = await import('./control-client.js');
  try {
    await sendRequest(socket, { cmd: 'add' }, { timeoutMs: 5000 });
    say(`handed ${count} file(s) that came by torrent to the seeding daemon`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'E_NOT_RUNNING') say(`the seeding daemon is not running; ${count} file(s) are seeded when it starts`);
    else say(`could not hand ${count} file(s) to the seeding daemon (${(error as Error).message}); they are seeded when it next starts`);
  }
}

/** How long install waits for the daemon to announce what it handed over. */
const SEEDED_WAIT_MS = 30_000;

/**
 * Which of `wanted` the daemon's list shows announced (checked, and a
 * tracker has heard of it: `announced` false means not yet; a daemon that
 * does not say counts as announced once checked), and which it does not
 * hold at all (it refused or failed them: nobody will announce them). Pure.
 */
export function takenOver(torrents: readonly unknown[], wanted: ReadonlySet<string>): { announced: string[]; gone: string[] } {
  const held = new Map<string, { state?: unknown; announced?: unknown }>();
  for (const torrent of torrents) {
    const view = torrent as { infoHash?: unknown; state?: unknown; announced?: unknown } | null;
    if (view && typeof view.infoHash === 'string' && wanted.has(view.infoHash)) held.set(view.infoHash, view);
  }
  const announced: string[] = [];
  const gone: string[] = [];
  for (const infoHash of wanted) {
    const view = held.get(infoHash);
    if (!view) gone.push(infoHash);
    else if (view.state !== 'checking' && view.announced !== false) announced.push(infoHash);
  }
  return { announced, gone };
}

/**
 * Wait until a running daemon lists these torrents as announced (see
 * takenOver), or SEEDED_WAIT_MS, or at once when it cannot be asked.
 * Meanwhile the caller keeps serving them, so peers find the files all along.
 */
export async function waitUntilSeeded(socket: string, infoHashes: readonly string[], timeoutMs = SEEDED_WAIT_MS): Promise<boolean> {
  const { sendRequest } = await import('./control-client.js');
  const wanted = new Set(infoHashes);
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const answer = await sendRequest(socket, { cmd: 'list' }, { timeoutMs: 5000 });
      if (takenOver(answer.torrents ?? [], wanted).announced.length === wanted.size) return true;
    } catch {
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

/**
 * The seeder's side: take the recorded files. The pending file is renamed
 * first, so an install writing meanwhile starts a new one and nothing is
 * lost. Call `done()` once they are in the store; until then a crash leaves
 * them to be taken again (before any newer ones) at the next start.
 */
export async function takePending(stateDir: string): Promise<{ candidates: unknown[]; done: () => Promise<void> }> {
  const taking = join(stateDir, TAKING_NAME);
  let text: string | undefined;
  try {
    text = await readFile(taking, 'utf8');
  } catch {
    try {
      await rename(join(stateDir, PENDING_NAME), taking);
      text = await readFile(taking, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  let candidates: unknown[] = [];
  try {
    const parsed = text === undefined ? [] : JSON.parse(text);
    if (Array.isArray(parsed)) candidates = parsed;
  } catch {
    // a torn file: nothing usable in it
  }
  return { candidates, done: () => rm(taking, { force: true }) };
}
