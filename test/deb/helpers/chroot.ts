import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { removeTempDir, tempDir } from '../../helpers/temp.js';

const run = promisify(execFile);

/** Outside the repository and the tests' TMPDIR: kept between runs on purpose. */
export const CACHE_DIR = '/var/cache/apt-torrent-tests';
const SUITE = 'trixie';
/**
 * What every run needs beyond minbase, installed once into the cache: so
 * that installing the package fetches nothing (gpgv is its Recommends).
 */
const NEEDS = ['nodejs', 'man-db', 'gpgv'];
/** The tree after debootstrap and NEEDS; named by them, so that another list makes another cache. */
export const CACHE = join(CACHE_DIR, `${SUITE}-minbase-${NEEDS.join('-')}.tar.gz`);

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
    mounts.add(join(this.root, 'proc'));
    onExitUnmount();
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
      mounts.delete(join(this.root, 'proc'));
    }
    removeTempDir(this.dir);
  }
}

/** /proc mounts of chroots not disposed of yet. */
const mounts = new Set<string>();
let hooked = false;

/**
 * However the test process ends (a failed before(), an uncaught error, the
 * runner's SIGTERM), a mounted /proc is unmounted first: before the exit
 * hook that removes temporary directories walks into it, and never left
 * mounted after the run.
 */
function onExitUnmount(): void {
  if (hooked) return;
  hooked = true;
  const unmountAll = () => {
    for (const proc of mounts) {
      try {
        execFileSync('umount', ['-l', proc], { stdio: 'ignore' });
      } catch {
        process.stderr.write(`cannot unmount ${proc}\n`);
      }
    }
    mounts.clear();
  };
  // prependListener: before temp.ts's exit hook, registered earlier.
  process.prependListener('exit', unmountAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      unmountAll();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
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
    mounts.add(join(root, 'proc'));
    onExitUnmount();
    const inChroot = (script: string) => run('chroot', [root, '/bin/sh', '-c', script], { env: CHROOT_ENV, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    await inChroot(`apt-get update -qq && apt-get install -y -qq --no-install-recommends ${NEEDS.join(' ')} >/dev/null && apt-get clean`);
    await run('umount', [join(root, 'proc')]);
    proc = false;
    mounts.delete(join(root, 'proc'));
    mkdirSync(CACHE_DIR, { recursive: true });
    const partial = `${CACHE}.partial-${process.pid}`;
    await run('tar', ['--numeric-owner', '-czf', partial, '-C', root, '.'], { timeout: 600_000 });
    renameSync(partial, CACHE);
  } finally {
    if (proc) await run('umount', ['-l', join(root, 'proc')]).catch(() => undefined);
    mounts.delete(join(root, 'proc'));
    rmSync(`${CACHE}.partial-${process.pid}`, { force: true });
    removeTempDir(dir);
  }
}
