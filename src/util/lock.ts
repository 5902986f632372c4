import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { AptTorrentError } from '../errors.js';

/** Who holds a lock, as written into the lock file. */
export interface LockOwner {
  pid: number;
  command: string;
  since: string;
}

export interface Lock {
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  // Our own pid in a lock we are only now taking was an earlier process's (a container restarts at low pids).
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why a lock file cannot be created, and what to do; the directory is APT's archive cache. */
const HINTS: Record<string, string> = {
  EACCES: 'apt-torrent writes into APT\'s archive cache: run it as root (sudo)',
  EPERM: 'apt-torrent writes into APT\'s archive cache: run it as root (sudo)',
  EROFS: 'APT\'s archive cache is on a read-only file system: remount it read-write, or point Dir::Cache::archives at a writable directory (-o Dir::Cache::archives=DIR)',
  ENOSPC: 'the file system of APT\'s archive cache is full: free some space there (e.g. `apt-get clean`)',
  ENOENT: 'APT\'s archive cache does not exist: create it, or check Dir::Cache::archives',
};

/**
 * Take an exclusive lock file (created by link(2), which fails if it exists). A lock left by a process that no
 * longer runs (kill -9, power loss) is taken over; a live owner is named in
 * the error so the user knows what to wait for.
 */
export async function acquireLock(path: string, command: string): Promise<Lock> {
  const owner: LockOwner = { pid: process.pid, command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 20; attempt += 1) {
    try {
      await createWithContent(path, `${JSON.stringify(owner)}\n`);
      return {
        release: async () => {
          const current = await readOwner(path);
          if (current?.pid === process.pid) await rm(path, { force: true });
        },
      };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new AptTorrentError('E_LOCKED', `cannot create the lock file ${path}: ${(error as Error).message}`, {
          hint: HINTS[code ?? ''] ?? HINTS.EACCES,
          cause: error,
        });
      }
      const holder = await currentHolder(path);
      if (holder) throw heldBy(path, holder);
      await takeOverStale(path);
    }
  }
  throw new AptTorrentError('E_LOCKED', `could not take the lock ${path}`, { hint: 'another apt-torrent run keeps taking it; try again' });
}

/**
 * Create the lock file with its content in one step: written to a private
 * name, then hard-linked to the lock's name, which fails if that exists. So
 * no one ever sees the lock empty and takes it for stale.
 */
async function createWithContent(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await open(temporary, 'wx', 0o644);
  try {
    await handle.writeFile(content);
    await handle.close();
    await link(temporary, path);
  } finally {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
  }
}

function heldBy(path: string, holder: LockOwner): AptTorrentError {
  return new AptTorrentError('E_LOCKED', `${path} is held by pid ${holder.pid} (\`${holder.command}\`, since ${holder.since})`, {
    hint: 'another apt-torrent run is writing to the same archive cache; wait for it to finish, or stop it',
  });
}

/** The live owner of the lock file, or undefined when it is stale (its owner gone, or unreadable). */
async function currentHolder(path: string): Promise<LockOwner | undefined> {
  let holder = await readOwner(path);
  if (!holder) {
    // Written by an older version that created the file before its content: give it a moment.
    await sleep(200);
    holder = await readOwner(path);
  }
  return holder && alive(holder.pid) ? holder : undefined;
}

/** A takeover guard older than this was left by a process killed mid-takeover. */
const GUARD_STALE_MS = 5_000;

/**
 * Remove a stale lock file, so the caller can create its own. Two runs that
 * both find the same stale lock must not both win: without a guard, the
 * slower one would delete the lock the faster one had just created. So the
 * removal happens under a guard file (O_EXCL), after checking again, under
 * the guard, that the lock is still stale; whoever does not get the guard
 * waits and looks again.
 */
async function takeOverStale(path: string): Promise<void> {
  const guardPath = `${path}.takeover`;
  let guard;
  try {
    guard = await open(guardPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = await stat(guardPath).then((stats) => Date.now() - stats.mtimeMs, () => 0);
    if (age > GUARD_STALE_MS) await rm(guardPath, { force: true });
    else await sleep(50);
    return;
  }
  try {
    // Gone already: another run took it over and may be creating its own
    // lock this very moment; removing "nothing" could remove that one.
    if (!existsSync(path)) return;
    const holder = await readOwner(path);
    if (holder && alive(holder.pid)) return;
    // Only a guard holder removes a lock file, and a file that exists cannot
    // be replaced by a new one: what we remove is what we just judged stale.
    await rm(path, { force: true });
  } finally {
    await guard.close();
    await rm(guardPath, { force: true });
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as LockOwner;
    return typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
