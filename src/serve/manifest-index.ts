/**
 * The manifests `serve` knows: every `dists/<suite>/apt-torrent/manifest.json`
 * under the archive root, re-read when one changes (publish runs while
 * serve keeps running). They say which pool files may get an on-demand
 * torrent, with which trackers and web seed, and which infohashes the
 * embedded tracker accepts.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Manifest, type ManifestFile, MANIFEST_NAME, manifestDir } from '../manifest/manifest.js';
import { validateManifest } from '../manifest/validate.js';

export interface ManifestHit {
  file: ManifestFile;
  manifest: Manifest;
}

/** Rescan at most this often: a stat per suite is cheap, but not per request. */
const RESCAN_MS = 2000;

export class ManifestIndex {
  private byFilename = new Map<string, ManifestHit>();
  private infoHashes = new Set<string>();
  private stamps = new Map<string, number>();
  private manifests = new Map<string, Manifest>();
  private lastScan = 0;
  private scanning: Promise<void> | undefined;

  constructor(private readonly root: string, private readonly warn: (message: string) => void, private readonly now: () => number = Date.now) {}

  async lookup(filename: string): Promise<ManifestHit | undefined> {
    await this.refresh();
    return this.byFilename.get(filename);
  }

  async hasInfoHash(infoHash: string): Promise<boolean> {
    await this.refresh();
    return this.infoHashes.has(infoHash);
  }

  /** Re-read changed manifests; concurrent callers share one scan. */
  refresh(): Promise<void> {
    if (this.now() - this.lastScan < RESCAN_MS) return Promise.resolve();
    this.scanning ??= this.scan().finally(() => {
      this.lastScan = this.now();
      this.scanning = undefined;
    });
    return this.scanning;
  }

  private async scan(): Promise<void> {
    const suites = await readdir(join(this.root, 'dists')).catch(() => [] as string[]);
    const seen = new Set<string>();
    for (const suite of suites) {
      const path = join(this.root, manifestDir(suite), MANIFEST_NAME);
      const mtime = await stat(path).then((info) => info.mtimeMs, () => undefined);
      if (mtime === undefined) continue;
      seen.add(path);
      if (this.stamps.get(path) === mtime) continue;
      this.stamps.set(path, mtime);
      try {
        const check = validateManifest(JSON.parse(await readFile(path, 'utf8')));
        for (const problem of check.problems) this.warn(`${path}: ${problem}`);
        if (check.manifest) this.manifests.set(path, check.manifest);
        else this.manifests.delete(path);
      } catch (error) {
        this.warn(`${path}: ${(error as Error).message}`);
        this.manifests.delete(path);
      }
    }
    for (const path of [...this.stamps.keys()]) {
      if (seen.has(path)) continue;
      this.stamps.delete(path);
      this.manifests.delete(path);
    }
    this.byFilename = new Map();
    this.infoHashes = new Set();
    for (const manifest of this.manifests.values()) {
      for (const file of manifest.files) {
        this.byFilename.set(file.filename, { file, manifest });
        this.infoHashes.add(file.infoHash);
      }
    }
  }
}
