/**
 * `apt-torrent publish`, the work itself: read the suite, choose, verify and
 * hash, write torrents and the manifest. The command (cli/commands/publish.ts)
 * only parses options and prints what this returns.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AptTorrentError } from '../errors.js';
import { readSuite, type SuiteIndexes } from './archive.js';
import { type CoverageReport, coverageReport } from './coverage.js';
import type { ProgressSink } from './hash-progress.js';
import { type Manifest, MANIFEST_VERSION, manifestDir } from '../manifest/manifest.js';
import { parsePopcon } from './popcon.js';
import { CACHE_NAME, loadCache, saveCache } from './publish-cache.js';
import { publishFiles, type PublishFilesResult, removeStale } from './publish-files.js';
import { type Selection, type SelectionOptions, selectFiles } from './select.js';
import { writeManifest } from './write-manifest.js';
import { oneLine, terminalSafe } from '../util/terminal-text.js';

export const GENERATOR = 'apt-torrent 0.1.0';

export interface PublishOptions {
  archiveRoot: string;
  suite: string;
  components: string[];
  architectures: string[];
  baseUrl: string;
  trackers: string[];
  popconFile?: string;
  share: number;
  minSize: number;
  /** Manifest directory; default `<archive-root>/dists/<suite>/apt-torrent`. */
  outDir?: string;
  /** Root of the tree the torrents go into, laid out like the archive; default the archive root. */
  torrentRoot?: string;
  /** Choose and report only: nothing is hashed or written. */
  dryRun: boolean;
  rehash: boolean;
}

export interface PublishIo {
  /** Notes and problems as they come, progress. */
  stderr: ProgressSink;
  signal?: AbortSignal;
  now?: () => Date;
}

export interface PublishOutcome {
  suite: SuiteIndexes;
  selection: Selection;
  report: CoverageReport;
  /** Undefined on a dry run. */
  files?: PublishFilesResult;
  removed: number;
  manifestPath?: string;
  manifestChanged: boolean;
  manifest?: Manifest;
}

/** Run a publish. Per-file problems are returned (files.problems); archive-level ones throw E_ARCHIVE. */
export async function publish(options: PublishOptions, io: PublishIo): Promise<PublishOutcome> {
  const archiveRoot = resolve(options.archiveRoot);
  const suite = await readSuite({ archiveRoot, suite: options.suite, components: options.components, architectures: options.architectures });
  for (const note of suite.notes) io.stderr.write(terminalSafe(`apt-torrent: note: ${note}\n`));

  const selectionOptions: SelectionOptions = { share: options.share, minSize: options.minSize };
  if (options.popconFile) selectionOptions.installs = await readPopcon(options.popconFile, io.stderr);
  const selection = selectFiles(suite.entries, selectionOptions);
  const report = coverageReport(selection, selectionOptions);
  if (options.dryRun) return { suite, selection, report, removed: 0, manifestChanged: false };

  const outDir = resolve(options.outDir ?? join(archiveRoot, manifestDir(options.suite)));
  const torrentRoot = resolve(options.torrentRoot ?? archiveRoot);
  const cachePath = join(outDir, CACHE_NAME);
  const cache = await loadCache(cachePath, torrentRoot);
  let files: PublishFilesResult;
  try {
    files = await publishFiles(selection.chosen.map((item) => item.entry), {
      archiveRoot, torrentRoot, baseUrl: options.baseUrl, trackers: options.trackers, rehash: options.rehash, cache, progress: io.stderr, signal: io.signal,
    });
  } finally {
    // Also after an interruption: what was hashed need not be hashed again.
    await saveCache(cachePath, cache).catch(() => {});
  }
  if (selection.chosen.length > 0 && files.files.length === 0) {
    // Most likely an unmounted or half-synced pool: keep yesterday's manifest and torrents.
    throw new AptTorrentError('E_ARCHIVE', `none of the ${selection.chosen.length} chosen files could be verified; nothing was published`, {
      hint: `${files.problems[0] ?? ''}${files.problems.length > 1 ? ` (and ${files.problems.length - 1} more)` : ''}; check that the pool under ${archiveRoot} is complete`,
    });
  }
  const removed = await removeStale(cache, new Set(files.files.map((file) => file.filename)), torrentRoot);
  await saveCache(cachePath, cache).catch((error: Error) => {
    io.stderr.write(`apt-torrent: warning: cannot write ${cachePath}: ${error.message}; the next run hashes everything again\n`);
  });

  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    generator: GENERATOR,
    generated: (io.now?.() ?? new Date()).toISOString(),
    archive: options.baseUrl,
    suite: options.suite,
    ...(suite.release.codename ? { codename: suite.release.codename } : {}),
    components: suite.components,
    architectures: suite.architectures,
    trackers: options.trackers,
    selection: { weighting: report.weighting, share: options.share, minSize: options.minSize },
    files: files.files,
  };
  const written = await writeManifest(outDir, manifest).catch((error: Error) => {
    throw new AptTorrentError('E_PUBLISH', `cannot write the manifest in ${outDir}: ${error.message}`, { hint: 'check --out and its permissions', cause: error });
  });
  return { suite, selection, report, files, removed, manifestPath: written.path, manifestChanged: written.changed, manifest: written.manifest };
}

/** A by_inst file, plain or gzip-compressed (popcon.debian.org serves by_inst.gz). */
async function readPopcon(path: string, stderr: ProgressSink): Promise<Map<string, number>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new AptTorrentError('E_USAGE', `cannot read the popcon file ${path}: ${(error as Error).message}`, { hint: 'give a by_inst file from popcon.debian.org, e.g. --popcon by_inst.gz' });
  }
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
  const popcon = parsePopcon(text);
  if (popcon.installs.size === 0) {
    throw new AptTorrentError('E_USAGE', `${path} has no popcon by_inst lines`, { hint: 'expected lines like "1 dpkg 207011 194080 1227 11691 13 (Dpkg Developers)"' });
  }
  if (popcon.skipped.length > 0) {
    const first = popcon.skipped[0]!;
    stderr.write(terminalSafe(`apt-torrent: warning: ${popcon.skipped.length} lines of ${path} are not popcon data and were skipped (first: line ${first.line}: ${oneLine(first.text)})\n`));
  }
  return popcon.installs;
}
