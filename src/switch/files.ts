/**
 * The file I/O of switching: reading files as bytes, and replacing them so
 * that APT (or a crash) sees either the old bytes or the new ones, with the
 * file's mode and owner kept.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AptTorrentError } from '../errors.js';
import { syncDirectory, writeFileAtomic } from '../util/atomic-write.js';

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
 * Replace (or create) a file atomically (see writeFileAtomic), keeping the
 * old file's mode and owner: APT sees either the old bytes or the new ones.
 */
export async function replaceFile(path: string, text: string, options: { mode?: number } = {}): Promise<void> {
  try {
    await writeFileAtomic(path, Buffer.from(text, 'latin1'), { mode: options.mode ?? 0o644, keepModeAndOwner: true });
  } catch (error) {
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
