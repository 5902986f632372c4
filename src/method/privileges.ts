import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Why this method gives up root, as APT's own methods do.
 *
 * APT starts a third-party method as root, but hands it a cache it has
 * already chowned to its sandbox user (`APT::Sandbox::User`, `_apt`):
 * `archives/partial/` and each Filename belong to that user before the
 * `600 URI Acquire` arrives. A method that stays root and writes there
 * writes through paths another user controls (a symlink planted in
 * partial/ would aim root's writes anywhere), and it runs a BitTorrent
 * client that parses what strangers on the network send, as root. Dropped
 * to the sandbox user, it has exactly the rights APT's http method has: it
 * can write partial/ and nothing else of the system, its partial data stays
 * beside APT's own partial files (so a later run resumes it), and placing the verified file at Filename is an ordinary
 * rename inside one directory. What needs root is done before the drop:
 * reading apt-torrent's configuration and APT's auth.conf files.
 *
 * The other way, staying root with a root-only directory of our own and
 * O_NOFOLLOW checks on every path, keeps the BitTorrent client as root and
 * would copy across file systems when the state directory is not on the
 * cache's.
 */
export interface DropOutcome {
  /** The user now running the method, or undefined when nothing changed. */
  user?: string;
  /** Why nothing changed, when something should have. */
  problem?: string;
}

/**
 * Become `user` (its primary group only, as APT's DropPrivileges does).
 * Nothing happens when not running as root, or when the user is empty or
 * `root` (APT's own convention for "do not drop").
 */
export async function dropPrivileges(user: string): Promise<DropOutcome> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  if (user === '' || user === 'root') return {};
  let uid: number;
  let gid: number;
  try {
    const { stdout } = await run('getent', ['passwd', user]);
    const parts = stdout.trim().split(':');
    uid = Number(parts[2]);
    gid = Number(parts[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`unreadable passwd entry: ${stdout.trim()}`);
  } catch (error) {
    return { problem: `no user ${user} to drop privileges to (${(error as Error).message.split('\n')[0]})` };
  }
  try {
    process.setgroups!([gid]);
    process.setgid!(gid);
    process.setuid!(uid);
  } catch (error) {
    return { problem: `cannot become ${user}: ${(error as Error).message}` };
  }
  if (process.getuid() !== uid || process.geteuid!() !== uid || process.getgid!() !== gid || process.getegid!() !== gid) {
    return { problem: `cannot become ${user}: the ids did not change` };
  }
  return { user };
}
