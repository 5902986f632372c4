import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cleanEnv } from '../../helpers/env.js';

const run = promisify(execFile);

/** The repository (dist/test/deb/helpers/ is four levels down). */
export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const VERSION: string = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version;
/** The Debian architecture build.sh names the package for: the building node's (its native addons are). */
export const DEB_ARCH = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch] ?? process.arch;
export const DEB_NAME = `apt-torrent_${VERSION}_${DEB_ARCH}.deb`;

/** `npm run deb`'s script, writing the package into `outDir`; returns its path. */
export async function buildDeb(outDir: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await run('bash', [join(REPO, 'system/debian/build.sh')], {
    cwd: REPO,
    env: cleanEnv({ DEB_OUT_DIR: outDir, ...env }),
    maxBuffer: 16 * 1024 * 1024,
  });
  const path = stdout.trim().split('\n').at(-1)!;
  return path.startsWith('/') ? path : join(REPO, path);
}

export interface Entry {
  mode: string;
  owner: string;
  path: string;
  /** For a symlink, what it points to. */
  target?: string;
}

/** The package's data entries as `dpkg-deb -c` lists them, paths without the leading `./`. */
export async function contents(deb: string): Promise<Entry[]> {
  const { stdout } = await run('dpkg-deb', ['-c', deb], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim().split('\n').map((line) => {
    const match = /^(\S+) (\S+)\s+\d+ \S+ \S+ \.\/(.*?)(?: -> (.*))?$/.exec(line);
    if (!match) throw new Error(`unexpected dpkg-deb -c line: ${line}`);
    return { mode: match[1]!, owner: match[2]!, path: match[3]!.replace(/\/$/, ''), ...(match[4] ? { target: match[4] } : {}) };
  });
}

/** One control file of the package (control, conffiles, postinst...). */
export async function controlFile(deb: string, name: string): Promise<string> {
  const { stdout } = await run('dpkg-deb', ['--info', deb, name]);
  return stdout;
}
