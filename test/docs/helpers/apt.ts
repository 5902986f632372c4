import { rmSync } from 'node:fs';
import { buildRepo } from '../../helpers/repo.js';
import { TestMirror } from '../../helpers/mirror.js';
import { aptUpdate, createSandbox, removeSandbox, type Sandbox } from '../../helpers/sandbox.js';

/** Package names no real archive has, so a hit proves the sandbox was asked. */
export const PACKAGES = ['zzcomp-alpha', 'zzcomp-beta', 'zzother'];

export interface AptForCompletion {
  sandbox: Sandbox;
  /** The sandbox's APT options as -o words: the same APT, reached without APT_CONFIG. */
  aptOptions: string[];
  close(): Promise<void>;
}

/** A sandboxed APT that knows PACKAGES (apt-get update done), for package-name completion. */
export async function aptForCompletion(): Promise<AptForCompletion> {
  const repo = buildRepo(PACKAGES.map((name) => ({ name, version: '1.0', payload: 100 })));
  const mirror = new TestMirror(repo.root);
  const sandbox = createSandbox(await mirror.start());
  await aptUpdate(sandbox);
  const aptOptions = [
    `Dir::Etc::SourceList=${sandbox.dir}/etc/sources.list`,
    'Dir::Etc::SourceParts=/dev/null',
    `Dir::State=${sandbox.dir}/state`,
    `Dir::Cache=${sandbox.dir}/cache`,
    'Dir::Cache::pkgcache=pkgcache.bin',
    `Dir::State::status=${sandbox.root}/var/lib/dpkg/status`,
  ];
  return {
    sandbox,
    aptOptions,
    async close() {
      await mirror.stop();
      removeSandbox(sandbox);
      rmSync(repo.root, { recursive: true, force: true });
    },
  };
}
