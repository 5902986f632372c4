import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** Permissions of the new file (the umask applies, unless keepModeAndOwner); 0o644 unless given. */
  mode?: number;
  /** The new file gets the old one's mode and owner (an admin's 0640 sources file stays so), or `mode` exactly when there is none. */
  keepModeAndOwner?: boolean;
}

/** What marks the name of a temporary file (see temporaryPathFor). */
const TEMPORARY_MARK = '.tmp-';

/**
 * The name a write of `path` uses for its bytes before the rename: beside
 * the target (a rename is atomic only within one file system), and unique
 * per call, so two writers of one path never share a temporary file.
 */
export function temporaryPathFor(path: string): string {
  // Hidden: programs that read a whole .d directory (APT among them) skip dot files, so
  // they never read a write in progress, nor one a crash left behind.
  return join(dirname(path), `.${basename(path)}${TEMPORARY_MARK}${process.pid}-${randomBytes(6).toString('hex')}`);
}

/** Whether a directory entry is a write in progress (or one a killed writer left), not a file of its own. */
export function isTemporaryName(name: string): boolean {
  return name.includes(TEMPORARY_MARK);
}

/**
 * Create `temporary` (it must not exist: O_EXCL, and O_NOFOLLOW, so a
 * symbolic link planted at that name is refused rather than followed), write
 * `data` and fsync it. On failure the temporary file is removed.
 */
export async function writeNewFile(temporary: string, data: string | Uint8Array, mode = 0o644, owner?: { uid: number; gid: number }, exactMode = false): Promise<void> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const handle = await open(temporary, flags, mode);
  try {
    await handle.writeFile(data);
    // open() applied the umask; a file kept like the one it replaces (an APT sources or conf file) gets its mode exactly.
    if (exactMode) await handle.chmod(mode);
    if (owner && (owner.uid !== process.getuid?.() || owner.gid !== process.getgid?.())) await handle.chown(owner.uid, owner.gid);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
}

/**
 * Write a whole file so that readers see the old bytes or the new ones,
 * never a half-written file, even after a crash or power loss: the bytes go
 * to a temporary file beside it (see temporaryPathFor) and are fsynced, the
 * temporary file is renamed over the target, and the directory is fsynced
 * so that the rename itself is durable. A web server may hand out a
 * .torrent or a manifest at any moment; the seeder's state must survive
 * kill -9. On failure the old file is untouched and no temporary file stays.
 * @example await writeFileAtomic('/srv/x.deb.torrent', bytes);
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temporary = temporaryPathFor(path);
  let mode = options.mode ?? 0o644;
  let owner: { uid: number; gid: number } | undefined;
  if (options.keepModeAndOwner) {
    const old = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (old) {
      mode = old.mode & 0o7777;
      owner = { uid: old.uid, gid: old.gid };
    }
  }
  await writeNewFile(temporary, data, mode, owner, options.keepModeAndOwner === true);
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/** fsync a directory, so that a rename or removal in it is durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Remove the temporary files killed writers left beside `path`. Only for a
 * path no other process writes meanwhile (its writer holds a lock): a live
 * writer's temporary file would be removed under it.
 */
export async function removeStaleTemporaries(path: string): Promise<void> {
  // Earlier versions named them without the leading dot.
  const prefixes = [`.${basename(path)}${TEMPORARY_MARK}`, `${basename(path)}${TEMPORARY_MARK}`];
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  const stale = names.filter((name) => prefixes.some((prefix) => name.startsWith(prefix)));
  await Promise.all(stale.map((name) => rm(join(dirname(path), name), { force: true })));
}
