import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildArchive, type TestArchive, type TestPackage } from '../helpers/archive.js';
import type { Served } from '../helpers/cli.js';
import { Nginx } from '../helpers/nginx.js';
import { aptUpdate, createSandbox, removeSandbox, type Sandbox } from '../helpers/sandbox.js';
import { publishWithTracker } from '../helpers/swarm.js';

export const MiB = 1024 * 1024;

/** A loopback mirror of real .deb files: nginx, and with `publish` a manifest, torrents and a tracker. */
export interface Archive {
  repo: TestArchive;
  mirror: Nginx;
  tracker?: Served;
  close(): Promise<void>;
}

export async function makeArchive(packages: TestPackage[], options: { publish?: boolean; rateLimit?: string } = {}): Promise<Archive> {
  const repo = buildArchive(packages);
  const mirror = new Nginx(repo.root, { rateLimit: options.rateLimit });
  await mirror.start();
  const tracker = options.publish ? (await publishWithTracker(repo.root, mirror.url, [])).tracker : undefined;
  return {
    repo,
    mirror,
    tracker,
    close: async () => {
      await tracker?.stop();
      await mirror.stop();
      repo.dispose();
    },
  };
}

export async function makeSandbox(archive: Archive, url = archive.mirror.url, setup?: (sandbox: Sandbox) => void): Promise<Sandbox & { close(): void }> {
  const sandbox = createSandbox(url);
  setup?.(sandbox);
  await aptUpdate(sandbox);
  return { ...sandbox, close: () => removeSandbox(sandbox) };
}

export function clearArchives(archives: string): void {
  for (const name of readdirSync(archives)) if (name.endsWith('.deb')) rmSync(join(archives, name));
  rmSync(join(archives, 'partial'), { recursive: true, force: true });
}

/** A few big files and some small ones: the shape of a desktop or game install. */
export function bigAndSmall(scale: number, smallCount: number, prefix: string): TestPackage[] {
  return [
    { name: `${prefix}-data`, version: '1.0', payload: Math.round(60 * MiB * scale) },
    { name: `${prefix}-desktop`, version: '1.0', payload: Math.round(25 * MiB * scale) },
    { name: `${prefix}-kernel`, version: '1.0', payload: Math.round(15 * MiB * scale) },
    ...smallDebs(smallCount, `${prefix}-small`),
  ];
}

/** Small packages of 10-200 KB. */
export function smallDebs(count: number, prefix: string): TestPackage[] {
  return Array.from({ length: count }, (_, index) => ({ name: `${prefix}${index}`, version: '1.0', payload: Math.round(10_000 + ((index * 7919) % 190_000)) }));
}

/** One row of the results table. */
export interface Row {
  scenario: string;
  measure: string;
  aptGet: string;
  aptTorrent: string;
  ratio: number | null;
  target: string;
  raw?: Record<string, unknown>;
}
