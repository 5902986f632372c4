import { chown, lstat, mkdir } from 'node:fs/promises';
import type { SandboxUser } from './privileges.js';

/**
 * Where the method keeps its partial data: a directory of its own beside
 * APT's archive cache (`Dir::Cache`, root's), not inside `archives/partial/`
 * (the sandbox user's). Made here as root, before the drop: its parent
 * belongs to root, so no other user can have put a link in its place; it
 * is then handed to the sandbox user, mode 0700. On the same file system
 * as `archives/partial/`, so a verified file reaches its Filename by a
 * rename; out of `partial/`, where `apt-get clean` warns about directories.
 */
export async function makeOwnDir(path: string, user: SandboxUser | undefined): Promise<void> {
  try {
    await mkdir(path, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stat = await lstat(path);
  if (!stat.isDirectory()) throw new Error(`${path} is not a directory`);
  if (user && (stat.uid !== user.uid || stat.gid !== user.gid)) await chown(path, user.uid, user.gid);
}
