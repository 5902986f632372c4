import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { isVerifiedInode, type VerifiedFile } from '../fetch/verified-file.js';

/** The names APT gives the hashes in `201 URI Done`, by the type of its `Expected-` field. */
const ALGORITHMS: Record<string, { field: string; node: string }> = {
  sha512: { field: 'SHA512-Hash', node: 'sha512' },
  sha256: { field: 'SHA256-Hash', node: 'sha256' },
  sha1: { field: 'SHA1-Hash', node: 'sha1' },
  md5sum: { field: 'MD5Sum-Hash', node: 'md5' },
};

export interface FileCheck {
  size: number;
  /** Lower-case hex by Expected- type (sha256 always). */
  hashes: Map<string, string>;
}

/**
 * Hash the file APT will read, in one pass, for SHA256 and every other type
 * APT expects. Opened without following a symlink or waiting on a FIFO, and
 * only a regular file of this process's user counts: what is hashed is what
 * lies at the path, not what a link points to.
 */
export async function hashFileAt(path: string, types: Iterable<string>): Promise<FileCheck> {
  const wanted = new Set(['sha256', ...[...types].filter((type) => type in ALGORITHMS)]);
  // O_NONBLOCK: a FIFO put in its place (APT's partial/ is the sandbox user's) must not hold this open.
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Error(`${path} is not a regular file`);
    // The download left it this process's (root's, or the sandbox user's when the method runs as that user).
    if (stat.uid !== process.getuid?.()) throw new Error(`${path} is not this method's file`);
    const hashers = [...wanted].map((type) => [type, createHash(ALGORITHMS[type]!.node)] as const);
    let size = 0;
    for await (const chunk of handle.createReadStream({ autoClose: false, highWaterMark: 1024 * 1024 })) {
      size += (chunk as Buffer).length;
      for (const [, hasher] of hashers) hasher.update(chunk as Buffer);
    }
    return { size, hashes: new Map(hashers.map(([type, hasher]) => [type, hasher.digest('hex')])) };
  } finally {
    await handle.close();
  }
}

/**
 * The check of a file the download verified itself (see verified-file.ts),
 * when the inode at `path` is the one it hashed; undefined otherwise, and
 * the file is hashed again.
 */
export async function verifiedAt(path: string, verified: VerifiedFile): Promise<FileCheck | undefined> {
  const stats = await lstat(path).catch(() => undefined);
  if (!stats || !isVerifiedInode(stats, verified)) return undefined;
  return { size: verified.size, hashes: new Map([['sha256', verified.sha256]]) };
}

/** `201 URI Done` fields for a checked file: each hash under APT's name, and the size. */
export function doneHashFields(check: FileCheck): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  for (const [type, value] of check.hashes) fields.push([ALGORITHMS[type]!.field, value]);
  fields.push(['Checksum-FileSize-Hash', String(check.size)]);
  return fields;
}
