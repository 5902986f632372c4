import { runCapture } from '../util/run.js';

/**
 * Why this method gives up root, as APT's own methods do.
 *
 * APT starts a third-party method as root, but hands it a cache it has
 * already chowned to its sandbox user (`APT::Sandbox::User`, `_apt`):
 * `archives/partial/` and each Filename belong to that user before the
 * `600 URI Acquire` arrives. A method that stays root and writes there
 * writes through paths another user controls (a symlink planted in
 * partial/ would aim root's writes anywhere), and it would run a
 * BitTorrent client, which parses what strangers on the network send, as
 * root. Dropped to the sandbox user it has the rights APT's http method
 * has: it writes partial/ and its own directory, nothing else of the
 * system, and places the verified file at Filename by a rename within one
 * file system. What needs root happens before the drop: reading
 * apt-torrent's configuration and APT's auth.conf files, and making its own
 * directory (see own-dir.ts). Where node cannot change its ids, the
 * rest of the run goes on in a child process started as the user, the
 * root process relaying for it (sandbox-parent.ts).
 *
 * The other way, staying root with a root-only directory and O_NOFOLLOW
 * checks on every path, keeps the BitTorrent client as root.
 */
export interface SandboxUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * The user to become: undefined when nothing is to change (not running as
 * root, or the setting empty or `root`, APT's own "do not drop").
 */
export async function sandboxUser(name: string): Promise<{ user?: SandboxUser; problem?: string }> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  if (name === '' || name === 'root') return {};
  try {
    const result = await runCapture('getent', ['passwd', name], { timeoutMs: 10_000, maxBytes: 64 * 1024 });
    if (result.code !== 0) throw new Error(`getent passwd ${name} exited with ${result.code}`);
    const { stdout } = result;
    const parts = stdout.trim().split(':');
    const uid = Number(parts[2]);
    const gid = Number(parts[3]);
    if (parts[0] !== name || !Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`unreadable passwd entry: ${stdout.trim()}`);
    return { user: { name, uid, gid } };
  } catch (error) {
    return { problem: `no user ${name} to drop privileges to (${(error as Error).message.split('\n')[0]})` };
  }
}

/**
 * Become the user in this process, with its primary group only (as APT's
 * DropPrivileges does): undefined when done. `blocked` says the node
 * refused the very first change, so nothing changed: Debian's nodejs 20.19
 * links a libuv that cannot tell node whether io_uring is on, and node then
 * refuses setgroups, setgid and setuid outright. The method then goes on
 * as a child started as the user (see sandbox-parent.ts).
 */
export function becomeUser(user: SandboxUser): { problem: string; blocked: boolean } | undefined {
  try {
    process.setgroups!([user.gid]);
  } catch (error) {
    return { problem: `cannot become ${user.name}: ${(error as Error).message}`, blocked: true };
  }
  try {
    process.setgid!(user.gid);
    process.setuid!(user.uid);
  } catch (error) {
    return { problem: `cannot become ${user.name}: ${(error as Error).message}`, blocked: false };
  }
  if (process.getuid!() !== user.uid || process.geteuid!() !== user.uid || process.getgid!() !== user.gid || process.getegid!() !== user.gid) {
    return { problem: `cannot become ${user.name}: the ids did not change`, blocked: false };
  }
  return undefined;
}
