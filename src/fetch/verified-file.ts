import type { FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';

/**
 * What a download knows of a file it verified: the inode it hashed and
 * the SHA256 it found. A later check that finds this same inode, of this
 * size, where the file should be, needs no second read: nothing but the
 * download wrote to it (it lay in apt-torrent's private directory, every
 * writer had stopped before the hash, and nothing of apt-torrent's holds
 * it open for writing after), and a file put in its place by someone else
 * is another inode. The ctime is a further check, not the guarantee: on
 * kernels with coarse timestamps a write within the same tick leaves it.
 */
export interface VerifiedFile {
  sha256: string;
  size: number;
  dev: number;
  ino: number;
  /** Last change of the inode once it was in place (a later write or chmod moves it, to the kernel's timestamp granularity). */
  ctimeMs: number;
}

export async function verifiedFile(handle: FileHandle, sha256: string): Promise<VerifiedFile> {
  const stats = await handle.stat();
  return { sha256, size: stats.size, dev: stats.dev, ino: stats.ino, ctimeMs: stats.ctimeMs };
}

/** Whether `stats` (of the file found at its place, not following links) is the verified inode, untouched. */
export function isVerifiedInode(stats: Stats, verified: VerifiedFile): boolean {
  return stats.isFile() && stats.dev === verified.dev && stats.ino === verified.ino && stats.size === verified.size && stats.ctimeMs === verified.ctimeMs;
}
