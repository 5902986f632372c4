import { constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, rename, rm, rmdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { AptTorrentError } from '../errors.js';

/**
 * Where apt-torrent keeps its partial files: a directory of its own inside
 * APT's `partial/`, owned by this process's user with mode 0700, reached
 * only through an open descriptor of it.
 *
 * On a Debian system `partial/` belongs to `_apt`, the user APT's own
 * methods run as, and apt-torrent runs as root. Anything root opens there
 * by name could be a symlink `_apt` planted (root would then write through
 * it), a file `_apt` keeps open or swaps mid-download (its bytes would then
 * reach the cache after our hash), or a partial `_apt` left (the cached
 * file would stay writable by `_apt`). In a 0700 directory of root's, no
 * other user can create, open or swap anything; and since `_apt` can still
 * rename the directory's own entry in `partial/`, every path below it goes
 * through `/proc/self/fd/N`, which names the directory we checked, wherever
 * it has been moved.
 */
export interface PrivateDir {
  /** The path to build file names on (`/proc/self/fd/N` when /proc is there). */
  readonly path: string;
  /** Where it is, for messages. */
  readonly shown: string;
  close(): Promise<void>;
}

const NAME = 'apt-torrent';
const shownPrefixes = new Map<string, string>();

export async function openPrivateDir(partial: string, uid = process.getuid?.() ?? 0): Promise<PrivateDir> {
  const dir = join(partial, NAME);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    await mkdir(partial, { recursive: true });
    const existing = await lstat(dir).catch(() => undefined);
    if (existing && !(existing.isDirectory() && existing.uid === uid && (existing.mode & 0o077) === 0)) {
      // Not ours, a symlink, or open to others: nothing in it can be trusted. A
      // directory is moved aside, not deleted: a recursive delete as root
      // inside a tree another user can change could be steered elsewhere.
      if (existing.isDirectory()) await rename(dir, `${dir}.not-ours-${randomBytes(4).toString('hex')}`);
      else await rm(dir, { force: true });
    }
    await mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    let handle: FileHandle;
    try {
      handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOOP' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
      throw error;
    }
    const stats = await handle.stat();
    // Checked on the descriptor: what we hold is what we checked, whatever happens to the name.
    if (!stats.isDirectory() || stats.uid !== uid || (stats.mode & 0o077) !== 0) {
      await handle.close();
      continue;
    }
    const viaFd = `/proc/self/fd/${handle.fd}`;
    let path = viaFd;
    if (!(await lstat(viaFd).then(() => true, () => false))) {
      // Without /proc the name is all there is: safe only if no one else can rename it.
      const parent = await lstat(partial);
      if (parent.uid !== uid || (parent.mode & 0o022) !== 0) {
        await handle.close();
        throw new AptTorrentError('E_LOCKED', `cannot keep partial files safely in ${partial}: another user can change it and /proc is not mounted`, {
          hint: 'mount /proc (apt-torrent reaches its own directory there through an open descriptor), or run apt-torrent where /proc is available',
        });
      }
      path = dir;
    }
    shownPrefixes.set(path, dir);
    return {
      path,
      shown: dir,
      async close() {
        shownPrefixes.delete(path);
        await handle.close();
        // Empty once every file reached the cache: then it goes, since `apt-get clean`
        // warns about any directory in partial/. rmdir(2) leaves one that still holds
        // partials for the next run (and, if the name was swapped, at most an empty
        // directory of someone else's).
        await rmdir(dir).catch(() => {});
      },
    };
  }
  throw new AptTorrentError('E_LOCKED', `cannot make ${dir} a directory of apt-torrent's own: another user keeps replacing it`, {
    hint: `check who writes into ${partial} (normally only APT's _apt user); remove ${dir} and run again`,
  });
}

/** A path below a private directory, as the user knows it (not /proc/self/fd/N). */
export function shownPath(path: string): string {
  for (const [prefix, shown] of shownPrefixes) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return shown + path.slice(prefix.length);
  }
  return path;
}
