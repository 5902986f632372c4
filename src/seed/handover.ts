import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlannedFile } from '../fetch/plan.js';

/** A verified file that came by torrent, as the seeder needs it. */
export interface SeedCandidate {
  package: string;
  version: string;
  architecture: string;
  sha256: string;
  size: number;
  infoHash: string;
  /** Where the verified file is (APT's archive cache). */
  path: string;
  torrentUrl: string;
  trackers: string[];
  addedAt: string;
}

export const PENDING_NAME = 'pending-seeds.json';

/**
 * Record verified torrent files for the seeder: appended to
 * `<stateDir>/pending-seeds.json`, written atomically. A failure here only
 * costs seeding, never the install, so it is a warning.
 */
export async function handOver(
  torrents: ReadonlyArray<{ file: PlannedFile; infoHash: string; path: string }>,
  stateDir: string,
  warn: (message: string) => void,
): Promise<void> {
  const file = join(stateDir, PENDING_NAME);
  try {
    await mkdir(stateDir, { recursive: true, mode: 0o755 });
    let pending: SeedCandidate[] = [];
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8'));
      if (Array.isArray(parsed)) pending = parsed;
    } catch {
      // none yet, or unreadable: start a fresh list
    }
    const known = new Set(pending.map((entry) => entry.infoHash));
    for (const { file: planned, infoHash, path } of torrents) {
      if (known.has(infoHash)) continue;
      pending.push({
        package: planned.package,
        version: planned.version,
        architecture: planned.architecture,
        sha256: planned.sha256,
        size: planned.size,
        infoHash,
        path,
        torrentUrl: planned.torrent?.torrentUrl ?? '',
        trackers: planned.torrent?.trackers ?? [],
        addedAt: new Date().toISOString(),
      });
    }
    await writeFile(`${file}.tmp`, `${JSON.stringify(pending, null, 2)}\n`, { mode: 0o644 });
    await rename(`${file}.tmp`, file);
  } catch (error) {
    warn(`could not record ${torrents.length} file(s) for seeding in ${file}: ${(error as Error).message}`);
  }
}
