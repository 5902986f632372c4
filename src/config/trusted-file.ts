import { constants } from 'node:fs';
import { lstat, open, realpath } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * Read a configuration file the way a root process must: only when root
 * owns it and every directory above it, and no one else can write any of
 * them. Under `sudo -E`, HOME and XDG_CONFIG_HOME still name the invoking
 * user's directories; a setting read from there (a stateDir, a socket path,
 * a manifest URL) would let that user steer what root writes and trusts.
 * Returns the text, or the reason it is not to be trusted.
 */
export async function readTrustedFile(path: string): Promise<{ text: string } | { untrusted: string }> {
  const untrusted = await untrustedPath(path);
  if (untrusted) return { untrusted };
  const real = await realpath(path);
  // Opened without following a link and checked on the open descriptor, so
  // the file cannot be swapped between the check and the read.
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const reason = untrustedReason(await handle.stat(), false);
    if (reason) return { untrusted: `it ${reason}` };
    return { text: await handle.readFile('utf8') };
  } finally {
    await handle.close();
  }
}

/**
 * Why another user could change what `path` names, or undefined when only
 * root can: the directories above the name as given (a symlink there is
 * the directory owner's choice) and above the file it leads to.
 */
export async function untrustedPath(path: string): Promise<string | undefined> {
  const real = await realpath(path);
  for (const start of new Set([dirname(resolve(path)), dirname(real)])) {
    for (let dir = start; ; dir = dirname(dir)) {
      const reason = untrustedReason(await lstat(dir), true);
      if (reason) return `its directory ${dir} ${reason}`;
      if (dir === dirname(dir)) break;
    }
  }
  return undefined;
}

interface Owned {
  uid: number;
  gid: number;
  mode: number;
}

/** Why another user could change this file or directory, or undefined when only root can. */
export function untrustedReason(stats: Owned, isDirectory: boolean): string | undefined {
  if (stats.uid !== 0) return `belongs to uid ${stats.uid}, not root`;
  // A sticky directory (like /tmp) lets others add files but not replace root's.
  const sticky = isDirectory && (stats.mode & 0o1000) !== 0;
  if ((stats.mode & 0o002) !== 0 && !sticky) return 'is writable by every user';
  if ((stats.mode & 0o020) !== 0 && stats.gid !== 0 && !sticky) return `is writable by group ${stats.gid}`;
  return undefined;
}
