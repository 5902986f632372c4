import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv } from './env.js';
import { removeTempDir, tempDir } from './temp.js';

const run = promisify(execFile);

export interface Sandbox {
  dir: string;
  /** dpkg's root: what gets installed lands here. */
  root: string;
  archives: string;
  env: NodeJS.ProcessEnv;
}

/**
 * An APT that never touches the system: its own sources, lists,
 * cache and dpkg root, given to every APT program through APT_CONFIG.
 */
export function createSandbox(mirrorUrl: string): Sandbox {
  const dir = tempDir('sandbox');
  const root = join(dir, 'root');
  for (const sub of ['var/lib/dpkg/info', 'var/lib/dpkg/updates', 'var/lib/dpkg/triggers']) mkdirSync(join(root, sub), { recursive: true });
  writeFileSync(join(root, 'var/lib/dpkg/status'), '');
  writeFileSync(join(root, 'var/lib/dpkg/available'), '');
  for (const sub of ['etc/apt.conf.d', 'etc/preferences.d', 'etc/auth.conf.d', 'state/lists/partial', 'cache/archives/partial', 'log']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'etc/sources.list'), `deb [trusted=yes] ${mirrorUrl} stable main\n`);
  const config = [
    `Dir::Etc::SourceList "${dir}/etc/sources.list";`,
    'Dir::Etc::SourceParts "/dev/null";',
    // No host apt.conf.d: a docker-clean hook there would empty the real cache.
    `Dir::Etc::Parts "${dir}/etc/apt.conf.d";`,
    `Dir::Etc::PreferencesParts "${dir}/etc/preferences.d";`,
    `Dir::Etc::netrc "${dir}/etc/auth.conf";`,
    `Dir::Etc::netrcparts "${dir}/etc/auth.conf.d";`,
    `Dir::State "${dir}/state";`,
    `Dir::Cache "${dir}/cache";`,
    `Dir::Log "${dir}/log";`,
    `Dir::State::status "${root}/var/lib/dpkg/status";`,
    `DPkg::Options { "--root=${root}"; "--force-not-root"; };`,
    'APT::Sandbox::User "root";',
    'Acquire::Languages "none";',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'apt.conf'), config);
  // apt-torrent's own state stays in the sandbox too.
  mkdirSync(join(dir, 'xdg/apt-torrent'), { recursive: true });
  writeFileSync(join(dir, 'xdg/apt-torrent/config.json'), JSON.stringify({ stateDir: join(dir, 'apt-torrent-state'), seed: { socket: join(dir, 'seed.sock') } }));
  const env = cleanEnv({ APT_CONFIG: join(dir, 'apt.conf'), XDG_CONFIG_HOME: join(dir, 'xdg'), DEBIAN_FRONTEND: 'noninteractive' });
  return { dir, root, archives: join(dir, 'cache/archives'), env };
}

/** Async on purpose: the test mirror runs in this same process and must keep answering. */
export async function aptUpdate(sandbox: Sandbox): Promise<void> {
  await run('apt-get', ['update', '-qq'], { env: sandbox.env });
}

/** Installed packages and versions, from the sandbox's dpkg status file. */
export function installed(sandbox: Sandbox): Map<string, string> {
  const status = readFileSync(join(sandbox.root, 'var/lib/dpkg/status'), 'utf8');
  const result = new Map<string, string>();
  for (const stanza of status.split('\n\n')) {
    const name = /^Package: (.+)$/m.exec(stanza)?.[1];
    const version = /^Version: (.+)$/m.exec(stanza)?.[1];
    if (name && version && /^Status: install ok installed$/m.test(stanza)) result.set(name, version);
  }
  return result;
}

export function cached(sandbox: Sandbox, name: string): boolean {
  return existsSync(join(sandbox.archives, name));
}

export function removeSandbox(sandbox: Sandbox): void {
  removeTempDir(sandbox.dir);
}
