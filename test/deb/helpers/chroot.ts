import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { removeTempDir, tempDir } from '../../helpers/temp.js';

const run = promisify(execFile);

/** Outside the repository and the tests' TMPDIR: kept between runs on purpose. */
export const CACHE_DIR = '/var/cache/apt-torrent-tests';
const SUITE = 'trixie';
/** The tree after debootstrap and the packages every run needs. */
export const CACHE = join(CACHE_DIR, `${SUITE}-minbase-nodejs.tar.gz`);
const NEEDS = ['nodejs', 'man-db'];

/** What commands in the chroot get: nothing of the test process's own environment. */
export const CHROOT_ENV = {
  PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
  DEBIAN_FRONTEND: 'noninteractive',
  TMPDIR: '/tmp',
};

/** A debootstrapped Debian with /proc mounted; dispose() unmounts it and removes the tree. */
export class Chroot {
  private mounted = false;

  private constructor(readonly root: string, private readonly dir: string) {}

  /** From the cache, made first (debootstrap from `mirror`, then NEEDS) when missing. */
  static async open(mirror: string): Promise<Chroot> {
    if (!existsSync(CACHE)) await makeCache(mirror);
    const dir = tempDir('chroot');
    const root = join(dir, 'root');
    mkdirSync(root);
    await run('tar', ['-xzf', CACHE, '-C', root]);
    const chroot = new Chroot(root, dir);
    await chroot.mountProc();
    return chroot;
  }

  private async mountProc(): Promise<void> {
    await run('mount', ['-t', 'proc', 'proc', join(this.root, 'proc')]);
    this.mounted = true;
  }

  /** `sh -c script` in the chroot; rejects on a non-zero exit, with its output. */
  async sh(script: string, timeoutMs = 120_000): Promise<{ stdout: string; stderr: string }> {
    return run('chroot', [this.root, '/bin/sh', '-c', script], { env: CHROOT_ENV, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
  }

  path(inside: string): string {
    return join(this.root, inside);
  }

  async dispose(): Promise<void> {
    if (this.mounted) {
      // Never remove the tree while /proc is mounted in it.
      await run('umount', [join(this.root, 'proc')]).catch(() => run('umount', ['-l', join(this.root, 'proc')]));
      this.mounted = false;
    }
    removeTempDir(this.dir);
  }
}

async function makeCache(mirror: string): Promise<void> {
  const dir = tempDir('debootstrap');
  const root = join(dir, 'root');
  let proc = false;
  try {
    await run('debootstrap', ['--variant=minbase', SUITE, root, mirror], { env: { ...CHROOT_ENV }, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    await run('mount', ['-t', 'proc', 'proc', join(root, 'proc')]);
    proc = true;
    const inChroot = (script: string) => run('chroot', [root, '/bin/sh', '-c', script], { env: CHROOT_ENV, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    await inChroot(`apt-get update -qq && apt-get install -y -qq --no-install-recommends ${NEEDS.join(' ')} >/dev/null && apt-get clean`);
    await run('umount', [join(root, 'proc')]);
    proc = false;
    mkdirSync(CACHE_DIR, { recursive: true });
    const partial = `${CACHE}.partial-${process.pid}`;
    await run('tar', ['--numeric-owner', '-czf', partial, '-C', root, '.'], { timeout: 600_000 });
    renameSync(partial, CACHE);
  } finally {
    if (proc) await run('umount', ['-l', join(root, 'proc')]).catch(() => undefined);
    rmSync(`${CACHE}.partial-${process.pid}`, { force: true });
    removeTempDir(dir);
  }
}
