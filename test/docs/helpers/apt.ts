import { after, before } from 'node:test';
import type { Sandbox } from '../../helpers/sandbox.js';
import { ServedArchive } from '../../helpers/served-archive.js';

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
  const site = await ServedArchive.start(PACKAGES.map((name) => ({ name, version: '1.0', payload: 100 })));
  const sandbox = await site.sandbox();
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
    close: () => site.stop(),
  };
}

/** Inside a describe: an AptForCompletion made before its tests and closed after them. */
export function aptForSuite(): () => AptForCompletion {
  let apt: AptForCompletion | undefined;
  before(async () => {
    apt = await aptForCompletion();
  });
  after(() => apt?.close());
  return () => apt!;
}
