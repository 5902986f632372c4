import { open, readFile, rm } from 'node:fs/promises';
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
 * Take an exclusive lock file (O_EXCL). A lock left by a process that no
 * longer runs (kill -9, power loss) is taken over; a live owner is named in
 * the error so the user knows what to wait for.
 */
export async function acquireLock(path: string, command: string): Promise<Lock> {
  const owner: LockOwner = { pid: process.pid, command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const handle = await open(path, 'wx', 0o644);
      await handle.writeFile(`${JSON.stringify(owner)}\n`);
      await handle.close();
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
      let holder = await readOwner(path);
      if (!holder) {
        // Created but not yet written by its owner: give it a moment before calling it stale.
        await sleep(200);
        holder = await readOwner(path);
      }
      if (holder && alive(holder.pid)) {
        throw new AptTorrentError('E_LOCKED', `${path} is held by pid ${holder.pid} (\`${holder.command}\`, since ${holder.since})`, {
          hint: 'another apt-torrent run is writing to the same archive cache; wait for it to finish, or stop it',
        });
      }
      // The owner is gone (or the file is unreadable): take the lock over.
      await rm(path, { force: true });
    }
  }
  throw new AptTorrentError('E_LOCKED', `could not take the lock ${path}`, { hint: 'another apt-torrent run keeps taking it; try again' });
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as LockOwner;
    return typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
