/**
 * The file I/O of switching: reading files as bytes, and replacing them so
 * that APT (or a crash) sees either the old bytes or the new ones, with the
 * file's mode and owner kept.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AptTorrentError } from '../errors.js';

/** A file's bytes as latin1 text (one character per byte); undefined when it does not exist. */
export async function readText(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path)).toString('latin1');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileError(path, 'read', error);
  }
}

/**
 * Replace (or create) a file atomically: a temporary file in the same
 * directory, with the old file's mode and owner, synced, then renamed over
 * it, and the directory synced. The temporary name starts with a dot, so
 * that APT, which skips hidden files in its .d directories, never reads one
 * a crash left behind.
 */
export async function replaceFile(path: string, text: string, options: { mode?: number } = {}): Promise<void> {
  let mode = options.mode ?? 0o644;
  let owner: { uid: number; gid: number } | undefined;
  try {
    const old = await stat(path);
    mode = old.mode & 0o7777;
    owner = { uid: old.uid, gid: old.gid };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(path, 'write', error);
  }
  const temporary = join(dirname(path), `.${basename(path)}.apt-torrent-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(Buffer.from(text, 'latin1'));
      // open() applied the umask.
      await handle.chmod(mode);
      if (owner && (owner.uid !== process.getuid?.() || owner.gid !== process.getgid?.())) await handle.chown(owner.uid, owner.gid);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
    await syncDirectory(dirname(path));
  } catch (error) {
    await rm(temporary, { force: true });
    throw fileError(path, 'write', error);
  }
}

/** Remove a file (gone already is fine), and sync its directory. */
export async function removeFile(path: string): Promise<void> {
  try {
    await rm(path, { force: true });
    await syncDirectory(dirname(path));
  } catch (error) {
    throw fileError(path, 'remove', error);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const HINTS: Record<string, (path: string) => string> = {
  EACCES: (path) => `${path} is root's: run the command with sudo`,
  EPERM: (path) => `${path} is root's: run the command with sudo`,
  EROFS: (path) => `${path} is on a read-only file system: remount it read-write`,
  ENOSPC: (path) => `the file system of ${path} is full: free some space`,
  EISDIR: (path) => `${path} is a directory: move it away`,
};

export function fileError(path: string, verb: 'read' | 'write' | 'remove', error: unknown): AptTorrentError {
  if (error instanceof AptTorrentError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return new AptTorrentError('E_SOURCES', `cannot ${verb} ${path}: ${(error as Error).message}`, {
    hint: HINTS[code]?.(path) ?? `check ${path} and the directory it is in`,
    cause: error,
  });
}
